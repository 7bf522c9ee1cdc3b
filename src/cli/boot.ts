/** Running a stack once its inputs are read and checked: opened (boot-open), run (boot-run), closed (here). */
import { constants } from 'node:os';
import type { BootPlan } from '../config/types.js';
import { EXIT_LEFT_BEHIND } from '../control/exit-codes.js';
import { describeStillRunning, describeStrays } from '../supervisor/left-behind.js';
import { removePidRecord, writePidRecord } from '../supervisor/pidfile.js';
import { describeReceiver } from '../receiver/describe.js';
import type { DashboardFlags } from './dashboard-start.js';
import { tell } from './sinks.js';
import { describeTelemetry } from './telemetry.js';
import { openStack } from './boot-open.js';
import { interruptedCode, interruptedLine } from './start-interrupt.js';
import { runUntilStopped } from './boot-run.js';
import type { Boot, Dashboard, Ending, StackOptions, Stopped } from './boot-types.js';

export type { StackEnd, StackOptions } from './boot-types.js';

/**
 * land's exit code. With an ending tier (`ending`) and the stack stopped before it ended, never 0: CI must not pass a
 * run whose tests never finished. 128 + n when signal n stopped land (what a shell reports for a job it killed, and
 * docker compose's code on Ctrl-C), 1 for any other stop (`land down`, `q` in the UI, the parent or terminal gone).
 */
function stackCode(how: Ending, ending: string | undefined): number {
  if (how.end) return how.end.code;
  if (ending === undefined) return 0;
  const code = how.signal ? 128 + constants.signals[how.signal] : 1;
  tell(`land: exit ${code}: the stack stopped (${how.reason ?? 'stopped'}) before ${ending} ended`);
  return code;
}

/** Closing, once the stack has stopped: the pid record's last word, then control, dashboard, telemetry; the last lines. */
async function closeStack({ boot, dashboard }: { boot: Boot; dashboard: Dashboard }, { shown, left, strays }: Stopped, ending?: string): Promise<number> {
  const { plan, supervisor, control, telemetry, receiver, guardian } = boot;
  const rootDir = plan.config.rootDir;
  // The shutdown has swept the boot's marks: the guardian exits without reaping (land waits for it: no zombie).
  await guardian.dismiss();
  // For a `land down` that finds the socket closed while land is still exiting (src/cli/down.ts): what it left, and
  // the strays it named.
  if (left.length > 0 || strays.length > 0) {
    try {
      writePidRecord(rootDir, supervisor.bootId, { left, strays });
    } catch {
      // Best effort: such a land down then names nothing; land's own stderr still does.
    }
  }
  // Ends every follow stream and connection: nothing of the control server outlives the stack.
  await control.close();
  await dashboard?.close();
  await telemetry.shutdown();
  // After mountain's last spans (land.boot, land.shutdown) have reached the store.
  await receiver?.close();
  // After the last flush, so the counts are final.
  if (shown === 'plain') {
    tell(`land: ${describeTelemetry(telemetry.status())}`);
    if (receiver) tell(`land: ${describeReceiver(receiver.status())}`);
  }
  removePidRecord(rootDir);
  // The UI said why it stopped while it was up; once it is gone the terminal should still say it.
  if (shown === 'tui' && boot.how.end) tell(`land: stopped: ${boot.how.end.reason}`);
  // Before any tier started (start-interrupt.ts): everything it opened is closed now, the pid record gone.
  if (shown === 'none' && boot.how.signal && left.length === 0) {
    tell(`land: ${interruptedLine(boot.how.signal)}`);
    return interruptedCode(boot.how.signal);
  }
  const exitCode = stackCode(boot.how, ending);
  // Said last, where it is seen (after the UI is gone, after the counts); the design's promise was not kept.
  for (const line of [...describeStillRunning(left), ...describeStrays(strays)]) tell(`land: ${line}`);
  return left.length > 0 && exitCode === 0 ? EXIT_LEFT_BEHIND : exitCode;
}

/** A stack's life: opened, run until its shutdown has ended, closed; resolves with land's exit code. */
export async function runStack(plan: BootPlan, options: StackOptions & DashboardFlags): Promise<number> {
  const opened = await openStack(plan, options);
  const stopped = await runUntilStopped(opened.boot, options, opened.early);
  return closeStack(opened, stopped, options.ending);
}
