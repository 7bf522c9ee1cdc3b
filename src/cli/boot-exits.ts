/** A running stack's exit paths: signals, a second Ctrl-C, uncaught errors, a lost parent or terminal. */
import { removePidRecord } from '../supervisor/pidfile.js';
import { everyStep, oneLine } from '../errors.js';
import { attachmentWhenOrphaned, watchParent } from './attachment.js';
import { tell } from './sinks.js';
import type { Boot } from './boot-types.js';

/** Exit code when a second Ctrl-C cut the graceful shutdown short. */
const FORCED_EXIT = 130;
/**
 * A hangup stops an attached land and is ignored by a detached one; a parent that goes away without a word stops an
 * attached land unless it runs as a background job of its own (src/cli/attachment.ts).
 */
function installAttachment({ supervisor, attachment }: Boot, onSignal: (signal: NodeJS.Signals) => void): void {
  process.on('SIGHUP', () => {
    if (!attachment.detached) return onSignal('SIGHUP');
    tell(`land: SIGHUP ignored: this land is detached (${attachment.why}); \`land down\` stops it`);
  });
  watchParent((parent) => {
    const now = attachmentWhenOrphaned(attachment);
    if (now.detached) return tell(`land: parent process ${parent} went away; the stack keeps running (${now.why})`);
    tell(`land: parent process ${parent} went away without stopping land (${now.why}): shutting the stack down`);
    void supervisor.shutdown(`parent process ${parent} went away`);
  });
}

/**
 * A second Ctrl-C (a signal, or the key in the UI) during the shutdown: every tree SIGKILLed now, exit 130. The UI's
 * terminal is given back first (raw mode off), so the last line starts on a line of its own.
 */
export function killNow({ supervisor, plan }: Boot): never {
  supervisor.killAll();
  removePidRecord(plan.config.rootDir);
  try {
    if (process.stdin.isTTY && process.stdin.isRaw) process.stdin.setRawMode(false);
  } catch {
    // The terminal is gone.
  }
  tell('land: the shutdown was cut short: every tier killed (SIGKILL), exit 130');
  process.exit(FORCED_EXIT);
}

/**
 * Whatever happens to land, its children go with it: exit, uncaught errors, and signals (a second one: at once).
 * Returns what a signal does, for one that came before these listeners (start-interrupt.ts).
 */
export function installExitPaths(boot: Boot): (signal: NodeJS.Signals) => void {
  const { plan, supervisor, control, receiver, guardian } = boot;
  const rootDir = plan.config.rootDir;
  // Step by step: one that throws (land out of file descriptors) must not keep the others from running.
  process.on('exit', () => {
    // killAll SIGKILLs every tree and the boot's marks: nothing is left for the guardian to do.
    everyStep(() => supervisor.killAll(), () => guardian.killNow(), () => control.removeSocketNow(), () => receiver?.store.flush());
  });
  const die = (error: unknown) => {
    process.stderr.write(`land: fatal: ${oneLine(error)}\n`);
    everyStep(() => supervisor.killAll(), () => control.removeSocketNow(), () => removePidRecord(rootDir));
    process.exit(1);
  };
  process.on('uncaughtException', die);
  process.on('unhandledRejection', die);
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals === 1) {
      if (!supervisor.shuttingDown) boot.how.signal = signal;
      // The shutdown's begin event starts telemetry's land.shutdown span (mountain listens to it).
      void supervisor.shutdown(`received ${signal}`);
      return;
    }
    killNow(boot);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, onSignal);
  installAttachment(boot, onSignal);
  return onSignal;
}

/**
 * The terminal is gone (EIO, a destroyed stream): for an attached land that is a hangup, whether or not SIGHUP
 * comes, so the stack stops gracefully; a detached land goes on without its display until `land down`.
 */
export function onTerminalLost({ supervisor, attachment }: Boot): void {
  if (!attachment.detached) {
    void supervisor.shutdown('the terminal went away');
    return;
  }
  tell(`land: the terminal is gone; the stack keeps running without a display (logs in ${supervisor.logDir})`);
}
