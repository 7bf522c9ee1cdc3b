/**
 * CPU and memory of every process, read from /proc in one pass: each /proc/<pid>/stat gives the parent (to find a
 * tier's tree), the CPU time (utime + stime) and the resident pages. pidusage read the same files again, one
 * asynchronous open per pid, and learned the clock tick and the page size by running `getconf` twice (forking land,
 * a process of a hundred megabytes); the UI's sampler ran every 2 s and this is most of what it cost.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcUsage {
  pid: number;
  ppid: number;
  /** Percent of one core since the previous reading (since the process started, at its first). */
  cpu: number;
  /** Resident memory, bytes. */
  memory: number;
}

/** /proc counts CPU time in USER_HZ ticks, 100 a second on every Linux (the ABI fixes it; pidusage assumes it too). */
const TICKS_PER_SECOND = 100;

let pageSize: number | undefined;

/** The page size: this process's resident bytes over its resident pages, to the nearest power of two. */
function pageBytes(): number {
  if (pageSize === undefined) {
    const pages = Number(readFileSync('/proc/self/statm', 'utf8').split(' ')[1]);
    pageSize = pages > 0 ? 2 ** Math.round(Math.log2(process.memoryUsage.rss() / pages)) : 4096;
  }
  return pageSize;
}

/** CPU ticks seen at the previous reading, by pid and start time (a reused pid is another process). */
let previous = new Map<string, { ticks: number; at: number }>();

/**
 * Every live process with its parent and usage (`only`: just those pids, the ones gone left out); empty where there
 * is no /proc.
 */
export function readProcUsage(only?: readonly number[]): ProcUsage[] {
  let names: string[];
  let uptime: number;
  try {
    names = only ? only.map(String) : readdirSync('/proc');
    uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  } catch {
    return [];
  }
  const page = pageBytes();
  const at = uptime * TICKS_PER_SECOND; // now, in ticks since boot
  // A full pass forgets the processes that are gone; a partial one keeps what it did not read.
  const seen = only ? previous : new Map<string, { ticks: number; at: number }>();
  const result: ProcUsage[] = [];
  for (const name of names) {
    if (name.charCodeAt(0) > 57) continue; // not a pid (digits sort before letters)
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // The command (field 2) may hold spaces and parentheses: the fields after the last ')' start at field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const state = fields[0];
    if (state === 'Z' || state === 'X') continue;
    const ticks = Number(fields[11]) + Number(fields[12]);
    const startedAt = Number(fields[19]);
    const key = `${name}:${startedAt}`;
    const before = previous.get(key) ?? { ticks: 0, at: startedAt };
    seen.set(key, { ticks, at });
    const elapsed = at - before.at;
    result.push({
      pid: Number(name),
      ppid: Number(fields[1]),
      cpu: elapsed > 0 ? ((ticks - before.ticks) / elapsed) * 100 : 0,
      memory: Number(fields[21]) * page,
    });
  }
  previous = seen;
  return result;
}
