/**
 * Running `systemctl` for `land startup`, and telling "systemd is not running here" (a container, WSL without
 * systemd, this machine's process_api as pid 1: write the unit, print what to run) from a real failure.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export type SystemctlResult =
  | { ok: true }
  /** `absent`: no systemctl, or no systemd as pid 1: nothing could have been enabled here. */
  | { ok: false; absent: boolean; why: string };

/** sd_booted(3): systemd made this directory, so it is pid 1. */
function bootedWithSystemd(): boolean {
  return existsSync('/run/systemd/system');
}

/** What runs as pid 1, for the line that says systemd does not. */
function initName(): string {
  try {
    return readFileSync('/proc/1/comm', 'utf8').trim() || 'something else';
  } catch {
    return 'something else';
  }
}

/** `systemctl --user …` (or, for a system unit, `systemctl …`) as a person would type it. */
export function systemctlLine(system: boolean, args: readonly string[]): string {
  return ['systemctl', ...(system ? [] : ['--user']), ...args].join(' ');
}

/** The last line systemctl wrote that says something (its error). */
function lastLine(text: string): string {
  return text.split('\n').map((line) => line.trim()).filter(Boolean).at(-1) ?? '';
}

/**
 * Runs systemctl. Its failure is classed by what the machine is, not only by its message: where systemd is not pid 1
 * nothing could have worked (absent); where it is, a failure is real (a user manager this session cannot reach: no
 * login session, as after `su`; a unit it refuses), said with systemctl's own line.
 */
export function systemctl(system: boolean, args: readonly string[]): SystemctlResult {
  const argv = [...(system ? [] : ['--user']), ...args];
  const result = spawnSync('systemctl', argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return { ok: false, absent: true, why: 'systemctl is not installed here' };
  if (result.status === 0) return { ok: true };
  if (!bootedWithSystemd()) return { ok: false, absent: true, why: `systemd is not running here (pid 1 is ${initName()}, not systemd)` };
  const said = lastLine(`${result.stdout}\n${result.stderr}`) || (result.error ? result.error.message : `exit ${result.status ?? result.signal}`);
  const hint = !system && /connect to bus/i.test(said) ? ': run it in a login session of this user (ssh or a desktop, not su), or with XDG_RUNTIME_DIR=/run/user/$(id -u)' : '';
  return { ok: false, absent: false, why: `\`${systemctlLine(system, args)}\` failed: ${said}${hint}` };
}

/** Whether the user's manager runs without a login session (`loginctl enable-linger`): logind's own mark. */
export function lingers(user: string): boolean {
  return existsSync(`/var/lib/systemd/linger/${user}`);
}
