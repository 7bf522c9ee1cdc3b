/**
 * As pid 1 (a container's init, no `--init`) the kernel drops every signal land has no handler for: a `docker stop`
 * in the first second, before the stack's handlers exist (boot-exits.ts), was lost, and docker SIGKILLed land after
 * its 10 s. bin/land.js keeps such a signal from its first line (only as pid 1: one comparison otherwise); once the
 * stack's own handlers are in place, this removes the keeper and raises the signal again, which those handlers then
 * take as any other (the graceful shutdown).
 */
const HANDLER = Symbol.for('land.earlySignalHandler');
const KEPT = Symbol.for('land.earlySignal');

type Keeper = (signal: NodeJS.Signals) => void;

export function takeEarlySignal(): void {
  const scope = globalThis as { [HANDLER]?: Keeper; [KEPT]?: NodeJS.Signals };
  const keeper = scope[HANDLER];
  if (!keeper) return;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.off(signal, keeper);
  delete scope[HANDLER];
  const kept = scope[KEPT];
  delete scope[KEPT];
  if (kept) process.kill(process.pid, kept);
}
