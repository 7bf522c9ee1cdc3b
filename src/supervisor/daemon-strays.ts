/**
 * When a daemon tier's launcher exits 0 and land finds nothing of its daemon: the processes that may be it, to be
 * named in the failure (never signalled: nothing says they are the tier's). Those started while the launcher ran
 * (at or after its start), in a session of their own (a daemon's setsid), reparented as an orphan of the launcher
 * would be (their parent is pid 1 or one of land's own ancestors: a subreaper such as `systemd --user` or tini),
 * bearing no mark of this boot (another tier's). One listing, only on that failure.
 */
import { readFileSync } from 'node:fs';
import { escapeControls } from '../text/controls.js';
import { listProcesses, processesMarked, readProc } from './process-tree.js';

/**
 * A process's command name as land prints it (the failed start's reason, the shutdown's last lines, `land down`):
 * /proc/<pid>/comm is whatever the process set (prctl), control characters included, which could rewrite the
 * terminal's line. Escaped here, where it is read (`\x1b`, `\n`), so that no printer of it can forget to.
 */
export function commandName(pid: number): string {
  let name: string;
  try {
    name = readFileSync(`/proc/${pid}/comm`, 'utf8').replace(/\n$/, '');
  } catch {
    return '?';
  }
  return escapeControls(name);
}

/** Where an orphan of land's children goes: pid 1, or the nearest subreaper among land's ancestors. */
function reapers(): Set<number> {
  const found = new Set([1]);
  for (let pid = readProc(process.pid)?.ppid; pid !== undefined && pid > 1 && !found.has(pid); pid = readProc(pid)?.ppid) found.add(pid);
  return found;
}

export function detachedSince(launcherStart: number, bootId: string): Array<{ pid: number; startTime: string; name: string }> {
  if (launcherStart === 0) return [];
  const adopters = reapers();
  const candidates = listProcesses(true).filter((info) => Number(info.startTime) >= launcherStart && adopters.has(info.ppid));
  if (candidates.length === 0) return [];
  const tiers = new Set(processesMarked({ LAND_BOOT_ID: bootId }, { since: launcherStart }));
  return candidates
    .filter((info) => !tiers.has(info.pid) && info.session === info.pid)
    .slice(0, 5)
    .map(({ pid, startTime }) => ({ pid, startTime, name: commandName(pid) }));
}
