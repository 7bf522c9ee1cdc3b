/** Running a stack: started, shown (the UI, prefixed lines, or nothing in the background) until it has stopped. */
import { boundOutput, claimOutput } from './background-output.js';
import { closeFatalChannel } from './background-channel.js';
import { createPrinter, useColor } from './printer.js';
import { onSinkLost, tell } from './sinks.js';
import { killNow, onTerminalLost } from './boot-exits.js';
import type { Boot, StackOptions, Stopped } from './boot-types.js';
import type { NamedStray, StillRunning } from '../supervisor/left-behind.js';

function bootLine({ plan, supervisor, telemetry }: Boot): string {
  return `land: boot ${supervisor.bootId} · profile ${plan.profile} · trace ${telemetry.traceId} · logs ${supervisor.logDir}\n`;
}

/** `land up --background`'s land: no printer (the children's lines are in their log files), its output kept bounded. */
async function runWithoutDisplay(boot: Boot, output: string, stopped: Promise<void>): Promise<'plain'> {
  // It holds the pid file: its output is the stack's now. The start-up is over: no child may inherit the channel.
  claimOutput(boot.plan.config.rootDir, output);
  closeFatalChannel();
  const stopBounding = boundOutput(boot.plan.config.rootDir);
  process.stdout.write(bootLine(boot));
  boot.supervisor.start();
  await stopped;
  stopBounding();
  return 'plain';
}

/**
 * A signal came before the tiers started (the start's own, or one while the UI loaded): nothing starts, nothing is
 * shown; the shutdown it began ends the boot (start-interrupt.ts).
 */
const interruptedBeforeStart = ({ supervisor, how }: Boot): boolean => supervisor.shuttingDown && how.signal !== undefined;

/** Shows the stack until it has stopped: the UI in a terminal, prefixed lines otherwise. Says which it was. */
async function showStack(boot: Boot, stopped: Promise<void>, useTui: boolean): Promise<'tui' | 'plain' | 'none'> {
  const { supervisor } = boot;
  if (useTui && process.stdout.isTTY && process.stdin.isTTY) {
    const { runTui } = await (await import('../tui/load.js')).loadTui();
    if (interruptedBeforeStart(boot)) return 'none';
    supervisor.start();
    if ((await runTui(supervisor, { mode: 'up', onKillNow: () => killNow(boot) })) === 'quit') await supervisor.shutdown('quit from the UI');
    else onTerminalLost(boot);
    return 'tui';
  }
  const printer = createPrinter({
    out: process.stdout,
    color: useColor(process.stdout),
    names: supervisor.snapshot().tiers.map((tier) => tier.name),
    gate: supervisor.output,
  });
  supervisor.subscribe(printer.listener);
  const onTerminal = process.stdout.isTTY;
  onSinkLost(({ name, why }) => {
    if (name !== 'stdout') return;
    // A closed pipe, a lost terminal, a full disk: the printer lets go of the children's pipes and says no more.
    printer.stop();
    if (onTerminal) return onTerminalLost(boot);
    tell(`land: stdout failed (${why}): printing stopped; the stack keeps running (logs in ${supervisor.logDir}, \`land down\` stops it)`);
  });
  process.stdout.write(bootLine(boot));
  supervisor.start();
  await stopped;
  await printer.flush();
  return 'plain';
}

/** Running: the stack is started and shown until its shutdown has ended. `early`: a signal of the start's, acted on. */
export async function runUntilStopped(boot: Boot, options: StackOptions, early?: () => void): Promise<Stopped> {
  const { supervisor, plan } = boot;
  let left: StillRunning[] = [];
  let strays: NamedStray[] = [];
  const stopped = new Promise<void>((resolve) =>
    supervisor.subscribe((event) => {
      if (event.type !== 'shutdown' || event.phase !== 'end') return;
      left = event.left ?? [];
      strays = event.strays ?? [];
      boot.how.reason = event.reason;
      resolve();
    }),
  );
  void options.until?.(supervisor, plan).then((end) => {
    boot.how.end = typeof end === 'number' ? { code: end, reason: 'the tier ended' } : end;
    void supervisor.shutdown(boot.how.end.reason);
  });
  // Now that the shutdown's end is listened for.
  early?.();
  // land stays up until asked to stop, even when every tier has ended on its own.
  const keepAlive = setInterval(() => {}, 1 << 30);
  const shown = interruptedBeforeStart(boot)
    ? 'none'
    : options.inBackground
      ? await runWithoutDisplay(boot, options.inBackground, stopped)
      : await showStack(boot, stopped, options.tui);
  await stopped;
  clearInterval(keepAlive);
  return { shown, left, strays };
}
