// Watching processes through /proc: liveness (a zombie counts as gone: pid 1 here may never reap orphans),
// descendants, resident memory and CPU time.
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function statFields(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

export function isAlive(pid) {
  const fields = statFields(pid);
  return fields !== undefined && fields[0] !== 'Z' && fields[0] !== 'X';
}

/** User + system CPU seconds of a process (all its threads), or undefined when gone. */
export function cpuSeconds(pid) {
  const fields = statFields(pid);
  if (!fields) return undefined;
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/**
 * CPU seconds of a process's threads from /proc/<pid>/task/<tid>/schedstat (run time in nanoseconds), or undefined
 * when gone: the same CPU as cpuSeconds without its 10 ms ticks (the scheduler's clock, user and system together).
 */
export function runSeconds(pid) {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // A thread gone meanwhile: its time is no longer the process's to count here.
      }
    }
    return ns / 1e9;
  } catch {
    return undefined;
  }
}

/** CPU of a process over windowMs, as % of one core; throws if it exits meanwhile. */
export async function cpuPercent(pid, windowMs) {
  const before = cpuSeconds(pid);
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const after = cpuSeconds(pid);
  if (before === undefined || after === undefined) throw new Error('land exited during the measurement window');
  return ((after - before) / (windowMs / 1000)) * 100;
}

/** Resident set size in bytes (VmRSS), 0 when gone. */
export function rssBytes(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Every live pid with its parent, read once. */
export function processTable() {
  const table = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const fields = statFields(name);
    if (fields && fields[0] !== 'Z' && fields[0] !== 'X') table.push({ pid: Number(name), ppid: Number(fields[1]) });
  }
  return table;
}

/** Live descendants of the roots (roots included when alive). */
export function treeOf(roots, table = processTable()) {
  const children = new Map();
  for (const { pid, ppid } of table) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const live = new Set(table.map((p) => p.pid));
  const found = new Set(roots.filter((pid) => live.has(pid)));
  const queue = [...roots];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()) ?? []) {
      if (found.has(child)) continue;
      found.add(child);
      queue.push(child);
    }
  }
  return [...found];
}

/**
 * Polls until every pid is gone, the deadline passes or `until` (a promise) settles. Returns when the last one
 * went (performance.now(), the poll that first saw it gone) and the survivors.
 */
export async function waitGone(pids, { timeoutMs = 15_000, pollMs = 2, until } = {}) {
  const deadline = performance.now() + timeoutMs;
  let cutShort = false;
  until?.then(() => (cutShort = true), () => (cutShort = true));
  let alive = pids.filter(isAlive);
  let lastGoneAt = performance.now();
  while (alive.length > 0 && !cutShort && performance.now() < deadline) {
    await sleep(pollMs);
    const still = alive.filter(isAlive);
    if (still.length < alive.length) lastGoneAt = performance.now();
    alive = still;
  }
  return { lastGoneAt, survivors: alive };
}

export function killAll(pids, signal = 'SIGKILL') {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Gone.
    }
  }
}

/** argv of a process, or [] when gone. */
export function cmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}
