/**
 * Every stop of a tier ends within its `stop.timeoutMs` plus STOP_GRACE_MS, whatever its processes do: the stop
 * signal, SIGKILL at the deadline, then the grace for the kernel to take them and for the output pipes to close.
 * What is still there after that is reported (left-behind.ts), and land moves on.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { NOTHING_LEFT, type Leftovers } from './left-behind.js';
import { signalTree, treeLeft, treeScan, type TreeTarget } from './process-tree.js';
import { steadyNow } from '../runtime/steady-clock.js';

/** After the deadline's SIGKILL: how long land waits for the tree to vanish and the pipes to close. */
export const STOP_GRACE_MS = 1_000;

/** After an exit: how long its output pipes may take to close before land looks for who else holds them. */
export const PIPES_CLOSE_MS = 100;

/**
 * Once only processes that refuse land's signals (EPERM) are left: how long land waits for them before it gives up.
 * Such a process is often a wrapper land may not signal (`sudo -u`, firejail's monitor) above a child land killed,
 * and it exits by itself a few milliseconds later. Within the stop's bound (the deadline plus STOP_GRACE_MS).
 */
export const DENIED_GRACE_MS = 500;

/**
 * After SIGKILL, how many fresh scans in a row must find nothing before the tree counts as gone. One is not proof:
 * a process that forks and exits at once (a pid hopper) can be past the listing's readdir while its parent, listed,
 * exits before its files are read, so that scan sees neither (seen under load: one hopper survived a boot's end).
 */
const EMPTY_SCANS = 3;

/** Whether `promise` settles within `ms`. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const timer = new AbortController();
  const settled = await Promise.race([
    promise.then(() => true),
    sleep(Math.max(1, ms), false, { signal: timer.signal }).catch(() => false),
  ]);
  timer.abort();
  return settled;
}

/**
 * The stop signal to every process of the target, SIGKILL to what is left at `deadline` (and again to whatever
 * shows up, until it is gone or `giveUpAt`). Returns what is still there then (usually nothing). No signal, or
 * one after `signalAfter`: the target is being stopped otherwise (a stop command, stop-command.ts) and is only
 * waited for until then (or the deadline). A process that
 * refuses land's signal (EPERM) will not go because land waits: once only such processes are left, the wait for the
 * deadline and the grace is cut to DENIED_GRACE_MS (they may still end by themselves). Scanning for pipe holders reads every fd of every candidate process, so such
 * a target is polled less often.
 */
export async function endTree(
  target: TreeTarget,
  signal: NodeJS.Signals | undefined,
  deadline: number,
  giveUpAt: number,
  signalAfter?: Promise<unknown>,
): Promise<Leftovers> {
  const pollMs = target.holding?.length ? 50 : 20;
  const refusedStop = new Set<number>();
  // `signalAfter`: the signal waits for it (a stop command still at work), the tree is only watched until then.
  let due = signalAfter === undefined;
  const mark = () => (due = true);
  signalAfter?.then(mark, mark);
  let signalled = false;
  while (steadyNow() < deadline) {
    if (signal && due && !signalled) {
      signalled = true;
      for (const pid of signalTree(target, signal).denied) refusedStop.add(pid);
    }
    // A scan that could not read every process (land out of descriptors) does not prove the tree gone: polled on.
    const { pids: left, unsure } = treeScan(target);
    if (left.length === 0 && !unsure) return NOTHING_LEFT;
    if (signalled && left.length > 0 && left.every((pid) => refusedStop.has(pid))) break;
    await sleep(pollMs);
  }
  let onlyDeniedSince: number | undefined;
  let emptyScans = 0;
  for (;;) {
    // Again on every round: what forked between a scan and its kill is caught by the next one.
    const { unsure, ...killed } = signalTree(target, 'SIGKILL');
    const { pids, denied } = killed;
    if (pids.length === 0 && unsure && Date.now() < giveUpAt) {
      // Not proof that it is gone either: asked again after a pause, until the stop's bound.
      emptyScans = 0;
      await sleep(pollMs);
      continue;
    }
    if (pids.length === 0) {
      if (++emptyScans >= EMPTY_SCANS) return NOTHING_LEFT;
      continue;
    }
    emptyScans = 0;
    onlyDeniedSince = denied.length === pids.length ? (onlyDeniedSince ?? steadyNow()) : undefined;
    if (onlyDeniedSince !== undefined && steadyNow() - onlyDeniedSince >= DENIED_GRACE_MS) return killed;
    if (steadyNow() >= giveUpAt) {
      const left = treeLeft(target);
      return { ...left, denied: denied.filter((pid) => left.pids.includes(pid)) };
    }
    await sleep(pollMs);
  }
}
