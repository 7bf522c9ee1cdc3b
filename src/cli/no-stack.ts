/**
 * A control client found nothing listening on the stack's socket. That is not always "no stack is running":
 * - a land is booting: it claimed the folder (its pid file says `booting`, src/supervisor/stack-claim.ts) and has
 *   not bound its socket yet. The client waits for it (a `land down` in the first ~150 ms of a `land up` said "no
 *   stack" and the stack booted anyway), bounded by BOOT_WAIT_MS;
 * - the land died (SIGKILL, OOM killer) and its tiers run on: their boot mark is found. The client says so, and
 *   `land down` reaps them (down.ts) rather than leaving it to the next `land up`.
 * - the land is exiting after its shutdown: what that shutdown left and the strays it named are said (dead-land.ts);
 * - the land is alive but out of file descriptors: it closes each connection unanswered, which is said, not "died".
 * Loaded only on that path: the pid file's module brings the process-tree code, which a quick client does not need.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { displayPath } from '../config/display-path.js';
import { EXIT_NO_ANSWER, EXIT_NO_STACK } from '../control/exit-codes.js';
import { probeSocket } from '../control/listen.js';
import { InputError } from '../errors.js';
import { inOtherNamespace, liveLand, liveOrElsewhere, readPidRecord, straysOfRecord, type PidRecord } from '../supervisor/pidfile.js';
import { DeadLandError, ExitingLandError } from './dead-land.js';
import { processesMarked } from '../supervisor/process-tree.js';
import { isStopped, outOfDescriptors } from './land-process.js';
import type { Target } from './control-target.js';

/** How long a client waits for a booting land's socket (a TypeScript config compiled cold takes a second or two). */
const BOOT_WAIT_MS = 30_000;

/**
 * After a failed connect: resolves when the socket answers now (the request may be sent again: nothing reached the
 * stack), or throws what the client should say. `plain`: the error to throw when no land is found at all.
 */
export async function afterNoSocket(target: Target, plain: Error): Promise<void> {
  const where = displayPath(target.rootDir) || '.';
  let booting: PidRecord | undefined;
  const giveUpAt = Date.now() + BOOT_WAIT_MS;
  for (;;) {
    // Read before the socket is tried: a land whose pid file no longer says `booting` has its socket bound.
    const record = readPidRecord(target.rootDir);
    if ((await probeSocket(target.socket)) === 'live') return;
    // A land of another pid namespace that says it is booting is waited for as one here (its pid is not checked).
    const elsewhere = liveOrElsewhere(record);
    const live = liveLand(record) ?? (elsewhere?.booting ? elsewhere : undefined);
    if (live?.booting) {
      booting = live;
      if (Date.now() > giveUpAt) throw notBootedInTime(live, where);
      await sleep(50);
      continue;
    }
    // Exiting after its shutdown: its socket has closed (down.ts waits for it; the others say what it left).
    if (live) throw new ExitingLandError(live, straysOfRecord(live), where);
    const pids = record ? processesMarked({ LAND_BOOT_ID: record.bootId }, { fresh: true }) : [];
    if (record && pids.length > 0) throw new DeadLandError(record, pids, where);
    if (booting) throw new InputError(`no stack is running in ${where}: the land that was starting it (pid ${booting.pid}) exited before its stack was up`, EXIT_NO_STACK);
    throw plain;
  }
}

/**
 * The connection was dropped on the request (a closing land refuses new ones while it drains its readers): a land
 * whose shutdown has ended and left something says what, from its pid record; otherwise `plain`.
 */
export function afterWentAway(target: Target, plain: Error): Error {
  const live = liveLand(readPidRecord(target.rootDir));
  if (!live) return plain;
  const where = displayPath(target.rootDir) || '.';
  if (live.left?.length || live.strays?.length) return new ExitingLandError(live, straysOfRecord(live), where);
  // Alive and not done with a shutdown: a land out of descriptors turns every connection away.
  const starved = outOfDescriptors(live.pid);
  return starved ? new InputError(`the stack in ${where} did not accept the connection: ${starved}`, EXIT_NO_ANSWER) : plain;
}

function notBootedInTime(land: PidRecord, where: string): InputError {
  if (inOtherNamespace(land)) {
    return new InputError(`a land in another pid namespace (pid ${land.pid} there) has been starting the stack in ${where} for ${BOOT_WAIT_MS / 1000} s without answering: it may be hung, or have died while starting (its pid cannot be checked from here)`, EXIT_NO_ANSWER);
  }
  const why = isStopped(land.pid) ? `it is stopped (SIGSTOP or Ctrl-Z): resume it with \`kill -CONT ${land.pid}\`` : 'it may be hung';
  return new InputError(`land pid ${land.pid} has been starting the stack in ${where} for ${BOOT_WAIT_MS / 1000} s without answering: ${why}`, EXIT_NO_ANSWER);
}
