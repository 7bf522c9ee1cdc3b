/**
 * Is this land attached to whoever started it, or deliberately detached? An attached land goes down with its
 * parent and its terminal; a detached one keeps its stack running (README "Detaching").
 *
 * - A hangup (SIGHUP) stops an attached land gracefully and is ignored by a detached one. `nohup` would say so by
 *   ignoring SIGHUP, but Node resets an ignored SIGHUP to the default when it starts, so land recognises nohup by
 *   what it leaves behind instead: stdin reopened write-only on /dev/null, stdout on `nohup.out`, or `$_` (which
 *   bash and zsh set to the command they ran) naming nohup.
 * - A parent that goes away without passing a signal on (an IDE's stop button or a container runtime stopping
 *   `npm run`/`npx`, which forward SIGTERM to the shell and not to land) stops an attached land, unless land leads a
 *   process group of its own outside the terminal's foreground (`land up &` then `disown`, `setsid land up`):
 *   a shell or a program gave it its own job, and it outlives its parent as any background job does.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { onHeartbeat } from '../runtime/heartbeat.js';
import { readStat } from '../runtime/terminal-group.js';

export { inTerminalForeground } from '../runtime/terminal-group.js';

export interface Attachment {
  detached: boolean;
  /** Why, in words for a status line. */
  why: string;
}

/** What `nohup` leaves behind, since the ignored SIGHUP itself does not survive Node's start. */
function nohupMark(): string | undefined {
  if (basename(process.env._ ?? '') === 'nohup') return 'started through nohup';
  try {
    const flags = /^flags:\s+(\d+)/m.exec(readFileSync('/proc/self/fdinfo/0', 'utf8'))?.[1];
    // nohup reopens a terminal stdin as /dev/null, write-only, so that reading it fails.
    if (flags !== undefined && (parseInt(flags, 8) & 3) === 1 && readlinkSync('/proc/self/fd/0') === '/dev/null') {
      return 'started through nohup (stdin is /dev/null, write-only)';
    }
    if (basename(readlinkSync('/proc/self/fd/1')) === 'nohup.out') return 'started through nohup (stdout is nohup.out)';
  } catch {
    // No /proc (not Linux) or no such descriptor: no mark.
  }
  return undefined;
}

/** At start: detached by the flag or by nohup; otherwise attached (a hangup stops the stack). */
export function attachmentAtStart(flag: boolean): Attachment {
  if (flag) return { detached: true, why: 'started with --detached' };
  const nohup = nohupMark();
  if (nohup) return { detached: true, why: nohup };
  return { detached: false, why: 'attached to its parent and terminal' };
}

/** When the parent has gone: still attached, unless detached from the start or a background job of its own. */
export function attachmentWhenOrphaned(atStart: Attachment): Attachment {
  if (atStart.detached) return atStart;
  const stat = readStat();
  if (stat && stat.pgrp === process.pid && (stat.ttyNr === 0 || stat.tpgid !== stat.pgrp)) {
    return { detached: true, why: "it leads its own process group, outside a terminal's foreground (a background job, setsid)" };
  }
  return { detached: false, why: "it runs in its parent's process group" };
}

/**
 * The parent's pid now. `process.ppid` is a getter that asks the kernel (getppid) at every read, so it follows a
 * re-parenting: one system call, where a read of /proc/self/stat was an open, a read, a close and a string to split.
 */
function currentParent(): number {
  return process.ppid;
}

/**
 * Calls `onGone` once when land's parent has gone (land was re-parented to init or a subreaper). Looks once a second,
 * on land's heartbeat (one getppid; nothing that keeps land alive): a wake-up of its own twice a second cost an idle
 * land more than the look itself (docs/decisions.md, "An idle stack, seventh wave").
 */
export function watchParent(onGone: (parent: number) => void): () => void {
  const parent = currentParent();
  if (parent <= 1) return () => undefined; // started by init itself: there is no parent to lose
  const stop = onHeartbeat(() => {
    if (currentParent() === parent) return;
    stop();
    onGone(parent);
  });
  return stop;
}
