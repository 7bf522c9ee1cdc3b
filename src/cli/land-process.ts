/**
 * Whether the land a client talked to is still running, from /proc: a zombie has exited (only its parent's wait()
 * is missing: `land down` must not wait for a parent that never reaps), and a pid whose start time changed is
 * someone else's now. Without /proc, a signal 0 says what it can. (supervisor/process-tree.ts reads the same fields;
 * it is not imported here because it would bring tree-kill and the tree walk into every quick client.)
 */
import { readdirSync, readFileSync } from 'node:fs';

interface Seen {
  state: string;
  startTime: string;
}

function readStat(pid: number): Seen | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', startTime: fields[19] ?? '' };
  } catch {
    return undefined;
  }
}

const HAS_PROC = readStat(process.pid) !== undefined;

function signalsReach(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The start time of a running process (to tell it from a later one with the same pid), if it can be read. */
export function startTimeOf(pid: number): string | undefined {
  return readStat(pid)?.startTime;
}

export function stillRunning(pid: number, startTime: string | undefined): boolean {
  if (!HAS_PROC) return signalsReach(pid);
  const seen = readStat(pid);
  if (seen === undefined || seen.state === 'Z' || seen.state === 'X') return false;
  return startTime === undefined || seen.startTime === startTime;
}

/** Stopped by a signal (SIGSTOP, Ctrl-Z) or a tracer: it cannot answer until continued. */
export function isStopped(pid: number): boolean {
  const state = readStat(pid)?.state;
  return state === 'T' || state === 't';
}

/**
 * Why a land takes no connection when it has no descriptor to spare: every number under its open-files limit in use
 * (all but one: libuv closes its spare for a moment to turn a connection away), or undefined when /proc does not say
 * so. A land out of descriptors closes each new connection at once (libuv's answer to EMFILE).
 */
export function outOfDescriptors(pid: number): string | undefined {
  try {
    const soft = /^Max open files\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'))?.[1];
    if (soft === undefined) return undefined;
    const limit = Number(soft);
    const open = readdirSync(`/proc/${pid}/fd`).filter((name) => Number(name) < limit).length;
    if (open < limit - 1) return undefined;
    return `land pid ${pid} has ${open} of the ${limit} file descriptors its limit allows open (too many open files): it turns connections away until some close (raise the limit with \`ulimit -n\` before \`land up\`)`;
  } catch {
    return undefined;
  }
}
