/**
 * When a daemon tier's launcher exits 0 and land finds nothing of its daemon: the processes that may be it, to be
 * named in the failure (never signalled: nothing says they are the tier's). Those started while the launcher ran
 * (at or after its start), in a session of their own (a daemon's setsid), whose parent is older than the launcher
 * (they were reparented, or started by something that was there before), outside land's own tree and bearing no
 * mark of this boot (another tier's). One listing, only on that failure.
 */
import { readFileSync } from 'node:fs';
import { descendantsOf, listProcesses, processesMarked } from './process-tree.js';

/** The session id in a stat line (the field after the process group). */
function sessionOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
  } catch {
    return undefined;
  }
}

function nameOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}

export function detachedSince(launcherStart: number, bootId: string): Array<{ pid: number; name: string }> {
  if (launcherStart === 0) return [];
  const processes = listProcesses(true);
  const started = new Map(processes.map((info) => [info.pid, Number(info.startTime)]));
  const ours = new Set([process.pid, ...descendantsOf([process.pid], processes)]);
  const tiers = new Set(processesMarked({ LAND_BOOT_ID: bootId }, { since: launcherStart }));
  return processes
    .filter((info) => Number(info.startTime) >= launcherStart && !ours.has(info.pid) && !tiers.has(info.pid))
    .filter((info) => (started.get(info.ppid) ?? 0) < launcherStart && sessionOf(info.pid) === info.pid)
    .slice(0, 5)
    .map(({ pid }) => ({ pid, name: nameOf(pid) }));
}
