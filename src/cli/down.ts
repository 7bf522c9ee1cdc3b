/** `land down`: shut the running stack down, wait until land has exited, and say what it could not stop. */
import { setTimeout as sleep } from 'node:timers/promises';
import { streamLines } from '../control/client.js';
import { EXIT_LEFT_BEHIND, EXIT_NO_ANSWER, EXIT_NO_STACK } from '../control/exit-codes.js';
import type { ShutdownAccepted, ShutdownMessage } from '../control/protocol.js';
import { InputError } from '../errors.js';
import { describeStillRunning, describeStrays, type NamedStray, type StillRunning } from '../supervisor/left-behind.js';
import { findTarget, withStack, type TargetOptions } from './control-target.js';
import { isStopped, startTimeOf, stillRunning } from './land-process.js';
import { DeadLandError } from './dead-land.js';
import { sayingOnInterrupt } from './goes-on.js';
import { inOtherPidNamespace } from '../control/pid-namespace.js';
import { probeSocket } from '../control/listen.js';

/**
 * How long land may take to exit once its control socket has gone (it flushes telemetry, each pipe bounded); a
 * land that takes longer is said, not waited for.
 */
const EXIT_WAIT_MS = 30_000;

/** The land that accepted the shutdown, and (once it has ended) what the shutdown left running. */
interface Heard {
  land?: ShutdownAccepted & { startTime?: string; elsewhere?: boolean };
  left?: StillRunning[];
  /** What failed daemon starts named and land did not stop, still running at the shutdown's end. */
  strays?: NamedStray[];
}

/** Asks for the shutdown and reads its answer until the stack has stopped (or the answer was cut short). */
async function requestShutdown(options: TargetOptions, heard: Heard): Promise<Heard> {
  const onLine = (line: string) => {
    const message = JSON.parse(line) as ShutdownMessage;
    if (message.kind === 'stopped') return void Object.assign(heard, { left: message.left, strays: message.strays });
    // A land of another pid namespace (a container): its pid is not this namespace's, its socket is waited for.
    if (inOtherPidNamespace(message.pidNs)) {
      heard.land = { pid: message.pid, bootId: message.bootId, elsewhere: true };
      process.stderr.write(`land: stopping boot ${message.bootId} (land pid ${message.pid} in another pid namespace)…\n`);
      return;
    }
    // Read at once: a later read could be of another process that took the pid.
    heard.land = { pid: message.pid, bootId: message.bootId, startTime: startTimeOf(message.pid) };
    process.stderr.write(`land: stopping boot ${message.bootId} (land pid ${message.pid})…\n`);
  };
  try {
    const stream = await withStack(options, ({ socket }) => streamLines(socket, '/shutdown?wait=1', onLine, 'POST'));
    await stream.done;
  } catch (error) {
    // No socket (or it closed on the request): a land still exiting after its shutdown is waited for.
    if (!(error instanceof InputError && error.exitCode === EXIT_NO_STACK)) throw error;
    const late = await exiting(options);
    if (!late.land) throw error;
    heard.land = late.land;
    process.stderr.write(`land: boot ${late.land.bootId} is already stopping (land pid ${late.land.pid})…\n`);
    return late;
  }
  // The answer was cut short before the end (land closed its socket): what it left is in its pid file.
  return heard.left ? heard : { ...(await exiting(options)), ...heard };
}

/**
 * The land of this project that is exiting after its shutdown (its socket closed, its pid file still there),
 * from the pid file: who it is, what its shutdown left, and the strays it named. Nothing when no land runs.
 */
async function exiting(options: TargetOptions): Promise<Heard> {
  // Loaded only here: the pid file's module brings the process-tree code, which a quick client does not need.
  const { liveLand, readPidRecord, straysOfRecord } = await import('../supervisor/pidfile.js');
  const record = liveLand(readPidRecord(findTarget(options).rootDir));
  if (!record) return {};
  return { land: { pid: record.pid, bootId: record.bootId, startTime: record.startTime }, left: record.left, strays: straysOfRecord(record) };
}

/**
 * A land of another pid namespace: until its socket has gone (its pid names another process here, or none). What
 * it does after (flushing telemetry, exiting) cannot be seen from here, which is said.
 */
async function waitForSocketGone(options: TargetOptions, pid: number): Promise<void> {
  const giveUpAt = Date.now() + EXIT_WAIT_MS;
  const { socket } = findTarget(options);
  while ((await probeSocket(socket)) === 'live') {
    if (Date.now() > giveUpAt) throw new InputError(`the land in another pid namespace (pid ${pid} there) still answers ${EXIT_WAIT_MS / 1000} s after its stack stopped: it may be hung`, EXIT_NO_ANSWER);
    await sleep(50);
  }
  process.stderr.write(`land: its land runs in another pid namespace: its socket has closed; its exit cannot be watched from here\n`);
}

async function waitForExit({ pid, startTime }: { pid: number; startTime?: string }): Promise<void> {
  const giveUpAt = Date.now() + EXIT_WAIT_MS;
  while (stillRunning(pid, startTime)) {
    if (Date.now() > giveUpAt) {
      const why = isStopped(pid) ? `it is stopped (SIGSTOP or Ctrl-Z): resume it with \`kill -CONT ${pid}\`` : 'it may be hung';
      throw new InputError(`land pid ${pid} has not exited ${EXIT_WAIT_MS / 1000} s after its stack stopped: ${why}`, EXIT_NO_ANSWER);
    }
    await sleep(50);
  }
}

/**
 * Shut the whole stack down and wait until land itself has exited (so nothing it started is left), also when a
 * shutdown was already under way. A land that has exited but lingers as a zombie (its parent does not reap it)
 * counts as gone. What the shutdown could not stop is said as `land up` says it, with the same exit code.
 */
export async function downCommand(options: TargetOptions): Promise<number> {
  let heard: Heard;
  try {
    heard = await shutDown(options);
  } catch (error) {
    if (error instanceof DeadLandError) return reapDeadLand(error);
    throw error;
  }
  const { land, left = [], strays = [] } = heard;
  process.stdout.write(`land: stack stopped${land ? ` (boot ${land.bootId})` : ''}\n`);
  for (const line of [...describeStillRunning(left), ...describeStrays(strays)]) process.stderr.write(`land: ${line}\n`);
  return left.length > 0 ? EXIT_LEFT_BEHIND : 0;
}

/**
 * The shutdown asked for and land waited for; a Ctrl-C meanwhile says what goes on: a shutdown land accepted is
 * carried through whatever its client does (the stack's tiers stop, land exits).
 */
async function shutDown(options: TargetOptions): Promise<Heard> {
  const heard: Heard = {};
  const line = () =>
    heard.land
      ? `land: the shutdown of boot ${heard.land.bootId} goes on in the stack (land pid ${heard.land.pid}); land status shows when it has stopped`
      : 'land: interrupted before the stack answered: the shutdown may not have reached it; land status shows whether it runs';
  return sayingOnInterrupt(line, async () => {
    const answer = await requestShutdown(options, heard);
    if (answer.land?.elsewhere) await waitForSocketGone(options, answer.land.pid);
    else if (answer.land) await waitForExit(answer.land);
    return answer;
  });
}

/**
 * The stack's land died (SIGKILL, the OOM killer) and what it started runs on: reaped by its boot mark, as the next
 * `land up` would (pidfile.ts), and said. Exit 0, or 7 with what could not be stopped.
 */
async function reapDeadLand({ land }: DeadLandError): Promise<number> {
  const { reapBootAndWait } = await import('../supervisor/pidfile.js');
  const { reaped, left } = await reapBootAndWait(land.bootId);
  const stopped = reaped.length - left.pids.length;
  process.stderr.write(`land: the stack's land had died (pid ${land.pid}, boot ${land.bootId}): stopped ${stopped} process(es) it left running\n`);
  process.stdout.write(`land: stack stopped (boot ${land.bootId})\n`);
  const lines = describeStillRunning(left.pids.length > 0 ? [left] : []);
  for (const line of lines) process.stderr.write(`land: ${line}\n`);
  return lines.length > 0 ? EXIT_LEFT_BEHIND : 0;
}
