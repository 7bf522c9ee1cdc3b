/**
 * Control commands on one tier run one at a time, in the order they arrived, so two of them never act on the same
 * life (twenty concurrent restarts used to spawn twenty copies, a stop during a restart left the new one running).
 * A command that finds the same command still waiting its turn joins it instead of queueing another: all of them
 * asked for the same thing after what is running now, and one answer serves them all. Different tiers never wait
 * for each other.
 *
 * A tier with replicas is addressed as a whole (`api`: scale, restart all) or one replica at a time (`api.2`): a
 * command on the tier waits for the commands on its replicas that came before it, and one on a replica for the
 * commands on its tier, so a restart of `api.2` never slips into a `land scale api 1` that is removing it (it came
 * back untracked), nor a restart of `api` into one of `api.2` (two copies). Replicas do not wait for each other.
 *
 * A command may give way: each gets a signal that aborts when a later command on a common instance waits behind it
 * (its reason says which: `scale api 2`). Only a long one listens (`land reload`'s roll, which stops after the replica
 * under way), so that a `land scale` or `land stop` sent during a roll is not held for all of it.
 */
import { groupOfName } from './replicas.js';

interface Waiting {
  kind: string;
  result: Promise<unknown>;
}

/** Two commands act on a common instance: the same name, or a tier and one of its replicas (`api.2` of `api`). */
function overlaps(a: string, b: string): boolean {
  return a === b || groupOfName(a) === b || groupOfName(b) === a;
}

/** A command as its reason for another to give way: `scale api 2`, `stop api.3`. */
function named(kind: string, key: string): string {
  const [verb, ...rest] = kind.split(' ');
  return [verb, key, ...rest].join(' ');
}

export class CommandQueue {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly waiting = new Map<string, Waiting>();
  /** The command under way on each key, told when a later one waits behind it. */
  private readonly running = new Map<string, AbortController>();

  /** Resolves once every command on `key` queued so far has ended (at once when none is). */
  async idle(key: string): Promise<void> {
    await this.tails.get(key);
  }

  run<T>(key: string, kind: string, command: (later: AbortSignal) => Promise<T>): Promise<T> {
    const queued = this.waiting.get(key);
    if (queued?.kind === kind) return queued.result as Promise<T>;
    for (const [other, underWay] of this.running) if (overlaps(key, other)) underWay.abort(named(kind, key));
    const before = [...this.tails].filter(([other]) => overlaps(key, other)).map(([, tail]) => tail);
    const entry: Waiting = { kind, result: Promise.resolve() };
    const result = Promise.all(before).then(async () => {
      if (this.waiting.get(key) === entry) this.waiting.delete(key);
      const underWay = new AbortController();
      // One that came while this one waited its turn waits behind it already.
      for (const [other, waiting] of this.waiting) if (overlaps(key, other)) underWay.abort(named(waiting.kind, other));
      this.running.set(key, underWay);
      try {
        return await command(underWay.signal);
      } finally {
        if (this.running.get(key) === underWay) this.running.delete(key);
      }
    });
    entry.result = result;
    this.waiting.set(key, entry);
    // Tails never reject: what waits on one only waits for its turn.
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
