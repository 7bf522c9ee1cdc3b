/** `land down`: shut the running stack down, wait until land has exited, and say what it could not stop. */
import { setTimeout as sleep } from 'node:timers/promises';
import { streamLines } from '../control/client.js';
import { EXIT_LEFT_BEHIND } from '../control/exit-codes.js';
import type { ShutdownAccepted, ShutdownMessage } from '../control/protocol.js';
import { describeStillRunning, type StillRunning } from '../supervisor/left-behind.js';
import { withStack, type TargetOptions } from './control-target.js';
import { startTimeOf, stillRunning } from './land-process.js';

/** The land that accepted the shutdown, and (once it has ended) what the shutdown left running. */
interface Heard {
  land?: ShutdownAccepted & { startTime?: string };
  left?: StillRunning[];
}

/** Asks for the shutdown and reads its answer until the stack has stopped (or the answer was cut short). */
async function requestShutdown(options: TargetOptions): Promise<Heard> {
  const heard: Heard = {};
  const onLine = (line: string) => {
    const message = JSON.parse(line) as ShutdownMessage;
    if (message.kind === 'stopped') return void (heard.left = message.left);
    // Read at once: a later read could be of another process that took the pid.
    heard.land = { pid: message.pid, bootId: message.bootId, startTime: startTimeOf(message.pid) };
    process.stderr.write(`land: stopping boot ${message.bootId} (land pid ${message.pid})…\n`);
  };
  const stream = await withStack(options, ({ socket }) => streamLines(socket, '/shutdown?wait=1', onLine, 'POST'));
  await stream.done;
  return heard;
}

/**
 * Shut the whole stack down and wait until land itself has exited (so nothing it started is left). A land that has
 * exited but lingers as a zombie (its parent does not reap it) counts as gone. What the shutdown could not stop is
 * said as `land up` says it, with the same exit code (EXIT_LEFT_BEHIND).
 */
export async function downCommand(options: TargetOptions): Promise<number> {
  const { land, left = [] } = await requestShutdown(options);
  if (land) while (stillRunning(land.pid, land.startTime)) await sleep(50);
  process.stdout.write(`land: stack stopped${land ? ` (boot ${land.bootId})` : ''}\n`);
  for (const line of describeStillRunning(left)) process.stderr.write(`land: ${line}\n`);
  return left.length > 0 ? EXIT_LEFT_BEHIND : 0;
}
