/**
 * V8 flags changed while land runs. V8's cached data carries a hash of the flags in force when it is written, and a
 * start whose flags differ rejects it: so the code cache (src/startup/code-cache.ts, which registers the hook below)
 * writes what it holds before a flag changes, while the flags still match those the next start loads with.
 */

const BEFORE_CHANGE = Symbol.for('land.beforeV8FlagsChange');

/**
 * The flags `land up` starts with (bin/land.js sets them before the bundle loads; src/runtime/optimizer.ts undoes
 * all but the memory reducer's once land is busy; docs/decisions.md, "Memory of `land up`" and "Memory, fifth
 * wave"): no optimizing compiler, one reducing collection of the start-up garbage, no baseline compiler, a young
 * generation that does not grow. They are V8's own and change between its versions (the memory reducer's was
 * renamed after V8 11), and V8 stops at a flag it does not know, says so on stderr and ignores the rest: so they are
 * chosen by V8's major version, checked with `node --v8-options` on node 20 (V8 11), 22 (12) and 24 (13). On any
 * other V8 there are none, and land runs as node does.
 */
export function leanV8Flags(v8Version: string = process.versions.v8): string[] {
  const major = Number(v8Version.split('.', 1)[0]);
  if (major < 11 || major > 13) return [];
  const oneReducingGc = major === 11 ? '--memory-reducer-single-gc' : '--memory-reducer-gc-count=1';
  return ['--no-opt', oneReducingGc, '--no-sparkplug', '--semi-space-growth-factor=1'];
}

/** V8's defaults of the lean flags that land undoes once busy (the same on V8 11 to 13). */
export const BUSY_V8_FLAGS = ['--opt', '--sparkplug', '--semi-space-growth-factor=2'];

/**
 * Flags in force: bin/land.js's, set before the bundle loaded (it lists them under this symbol), and setV8Flag's.
 * Read when first asked, not when this module loads (the code cache's loader loads it before bin/land.js sets them).
 */
let inForce: Set<string> | undefined;
const flagsInForce = () =>
  (inForce ??= new Set<string>(((globalThis as Record<symbol, unknown>)[Symbol.for('land.v8FlagsAtStart')] as string[] | undefined) ?? []));

/** Lets `hook` run (synchronously) before each change of a V8 flag through setV8Flag. */
export function onV8FlagsChange(hook: () => void): void {
  (globalThis as Record<symbol, unknown>)[BEFORE_CHANGE] = hook;
}

/** Whether `flag` is in force (set by bin/land.js or by setV8Flag). */
export const isV8FlagSet = (flag: string): boolean => flagsInForce().has(flag);

/** Sets `flag` (e.g. `--no-opt`); the hook runs first unless the flag is already so (then nothing changes). */
export function setV8Flag(flag: string): void {
  const set = flagsInForce();
  if (set.has(flag)) return;
  const hook = (globalThis as Record<symbol, unknown>)[BEFORE_CHANGE];
  if (typeof hook === 'function') hook();
  // node:v8 only when a flag changes: the code cache's loader imports this module in every command.
  process.getBuiltinModule('node:v8').setFlagsFromString(flag);
  const [name] = flag.split('=', 1) as [string];
  // A flag with a value (`--semi-space-growth-factor=2`) replaces the same flag's other values.
  if (name !== flag) for (const other of set) if (other.startsWith(`${name}=`)) set.delete(other);
  set.add(flag);
  set.delete(flag.startsWith('--no-') ? `--${flag.slice(5)}` : `--no-${flag.slice(2)}`);
}
