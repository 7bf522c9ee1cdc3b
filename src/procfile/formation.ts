/**
 * foreman's formation (`-m web=2,worker=1`, `all=2,web=1`): how many instances of each process type run. Without
 * `-m` every type runs once; with it, as foreman's `parse_formation` reads it, a type not named runs `all` times,
 * and not at all when `all` is not named (`-m web=2` runs web only). 0 leaves a type out.
 */
import { MAX_REPLICAS } from '../config/limits.js';
import { InputError } from '../errors.js';

const FLAG = '-m/--formation';
const ITEM = /^([A-Za-z0-9_-]+)=(\d+)$/;

/** Counts per process type, in the Procfile's order. */
export function parseFormation(text: string | undefined, types: readonly string[]): Map<string, number> {
  const given = new Map<string, number>();
  for (const item of (text ?? '').split(',').map((part) => part.trim()).filter((part) => part !== '')) {
    const match = ITEM.exec(item);
    if (match === null) throw new InputError(`${FLAG}: expected <process type>=<count>[,…] such as web=2,worker=1, got "${item}"`);
    const [, name, count] = match as unknown as [string, string, string];
    if (name !== 'all' && !types.includes(name)) {
      throw new InputError(`${FLAG}: unknown process type "${name}" (the Procfile has ${types.join(', ')}; all sets the rest)`);
    }
    // foreman keeps the last of two counts for one type; a second count is more likely a slip than a wish.
    if (given.has(name)) throw new InputError(`${FLAG}: ${name}: expected one count, got ${given.get(name)} and ${count}`);
    // The same bound as `replicas` and `land scale` (a typo such as web=100 should not start a hundred processes).
    if (Number(count) > MAX_REPLICAS) {
      throw new InputError(`${FLAG}: ${name}: expected a count 0..${MAX_REPLICAS} (0 leaves the type out), got ${count}`);
    }
    given.set(name, Number(count));
  }
  const all = given.get('all') ?? (given.size === 0 ? 1 : 0);
  const counts = new Map(types.map((name) => [name, given.get(name) ?? all]));
  if ([...counts.values()].every((count) => count === 0)) throw new InputError(`${FLAG}: expected at least one process to run, got ${text}`);
  return counts;
}
