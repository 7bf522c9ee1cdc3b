/**
 * V8 flags changed while land runs. V8's cached data carries a hash of the flags in force when it is written, and a
 * start whose flags differ rejects it: so the code cache (src/startup/code-cache.ts, which registers the hook below)
 * writes what it holds before a flag changes, while the flags still match those the next start loads with.
 */

const BEFORE_CHANGE = Symbol.for('land.beforeV8FlagsChange');
/**
 * Flags in force: bin/land.js's, set before the bundle loaded (it lists them under this symbol), and setV8Flag's.
 * Read at the first change, not when this module loads (the code cache's loader loads it before bin/land.js sets them).
 */
let inForce: Set<string> | undefined;
const flagsInForce = () =>
  (inForce ??= new Set<string>(((globalThis as Record<symbol, unknown>)[Symbol.for('land.v8FlagsAtStart')] as string[] | undefined) ?? []));

/** Lets `hook` run (synchronously) before each change of a V8 flag through setV8Flag. */
export function onV8FlagsChange(hook: () => void): void {
  (globalThis as Record<symbol, unknown>)[BEFORE_CHANGE] = hook;
}

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
