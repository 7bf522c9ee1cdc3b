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

/**
 * A running stack's formation against its Procfile as it is now (`land apply`, `--watch-config`): a type the file
 * no longer has is dropped from it, as Compose drops a deleted service, rather than refusing the whole apply; each
 * is said, and with it the types the formation does not run (foreman runs a type it does not name `all` times, 0
 * without `all`). A formation that named only gone types is refused: nothing it asked for is left to run.
 */
export function formationStill(text: string | undefined, types: readonly string[]): { formation?: string; notes: string[] } {
  if (text === undefined) return { notes: [] };
  const items = text.split(',').map((part) => part.trim()).filter((part) => part !== '');
  const name = (item: string) => ITEM.exec(item)?.[1];
  const gone = items.filter((item) => name(item) !== undefined && name(item) !== 'all' && !types.includes(name(item)!));
  if (gone.length === 0) return { formation: text, notes: [] };
  const kept = items.filter((item) => !gone.includes(item));
  const have = `the Procfile has ${types.join(', ')} now`;
  if (kept.length === 0) throw new InputError(`${FLAG}: ${text}: no process type it names is left (${have}): land down, then land up -m <type>=<count>`);
  const notes = [`${FLAG}: ${gone.join(', ')} dropped (${have}); the rest of the formation stays: ${kept.join(',')}`];
  return { formation: kept.join(','), notes: [...notes, ...unnamedNote(kept.map(name), types)] };
}

/** The types a formation without `all` leaves out: not run, as foreman does (a new type of the Procfile, say). */
function unnamedNote(named: ReadonlyArray<string | undefined>, types: readonly string[]): string[] {
  if (named.includes('all')) return [];
  const left = types.filter((type) => !named.includes(type));
  return left.length === 0 ? [] : [`${FLAG}: ${left.join(', ')} not in the formation: not run (land scale cannot add a type; land down, then land up -m with it)`];
}
