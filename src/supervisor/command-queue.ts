/**
 * Control commands on one tier run one at a time, in the order they arrived, so two of them never act on the same
 * life (twenty concurrent restarts used to spawn twenty copies, a stop during a restart left the new one running).
 * A command that finds the same command still waiting its turn joins it instead of queueing another: all of them
 * asked for the same thing after what is running now, and one answer serves them all. Different tiers never wait
 * for each other.
 */
interface Waiting {
  kind: string;
  result: Promise<unknown>;
}

export class CommandQueue {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly waiting = new Map<string, Waiting>();

  run<T>(key: string, kind: string, command: () => Promise<T>): Promise<T> {
    const queued = this.waiting.get(key);
    if (queued?.kind === kind) return queued.result as Promise<T>;
    const previous = this.tails.get(key) ?? Promise.resolve();
    const entry: Waiting = { kind, result: Promise.resolve() };
    const result = previous
      .catch(() => undefined)
      .then(() => {
        if (this.waiting.get(key) === entry) this.waiting.delete(key);
        return command();
      });
    entry.result = result;
    this.waiting.set(key, entry);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
