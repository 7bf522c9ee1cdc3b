/**
 * The guardian: one `sh` that outlives a land killed outright (SIGKILL, the OOM killer, a crash) and then reaps what
 * that land's boot left running, by its LAND_BOOT_ID mark (`land __reap`: pidfile.ts's reapBootAndWait, the code
 * `land down` runs for a dead land). Before it, such tiers ran on under pid 1 until the next `land up` or `land down`.
 * The same guards `land run`'s command (its boot id is the command's mark).
 *
 * - Its stdin is a socket whose other end only land holds (libuv opens it close-on-exec: no tier inherits it). `read`
 *   ends at end of file when land dies, however it dies (a zombie's files are closed too); only then does the shell
 *   exec node on land's CLI. While land lives it costs a shell, node only at land's death.
 * - land's own ends stop it first: at a graceful end a line (`clean`), which `read` takes and the shell exits 0,
 *   reaped by land; on every other exit path (a second Ctrl-C, a fatal error: `process.on('exit')`, after killAll)
 *   SIGKILL, synchronously, so it cannot start node for a boot land has just killed itself.
 * - A session of its own (`detached`): a terminal's Ctrl-C and hangup, and a group kill of land's, never reach it.
 *   Land's child, not double-forked: until land dies it is no orphan under pid 1, so the daemon tiers' search for
 *   strays (daemon-strays.ts) never takes it for one; it bears no boot mark, so no sweep of land's kills it.
 * - Started before anything of the boot can be left: `land up` right after claiming the folder (before the config
 *   loads, while land is smallest and its fork cheapest), `land run` before its command. A land killed before its
 *   first spawn has it reap nothing. No /proc (macOS): no reaping by marks either, so none is started.
 * - Nothing secret in its argv: node's and land's paths, the boot id, land's pid and start time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { HAS_PROC, readProc } from '../supervisor/proc-stat.js';
import { withoutLandMarks } from './outer-marks.js';

/** `$0` of the shell: what `ps` shows of it, and what a test finds it by. */
export const GUARDIAN_NAME = 'land-guardian';

/** `read` answers 0 for a line (land's `clean`) and non-zero at end of file (land gone): only then the reaper runs. */
const SCRIPT = 'read -r _ || exec "$1" "$2" __reap "$3" "$4" "$5"';

/** How long a graceful end waits for the guardian to take its `clean` and exit (a shell's read and exit: ~1 ms). */
const DISMISS_WAIT_MS = 500;

export interface Guardian {
  /** The stack has stopped by land's own shutdown: the guardian exits without reaping, and land reaps it. */
  dismiss(): Promise<void>;
  /** land is exiting now (process.on('exit')): SIGKILL, synchronously. */
  killNow(): void;
}

function startGuardian(bootId: string): ChildProcess | undefined {
  const cli = process.argv[1];
  const startTime = readProc(process.pid)?.startTime;
  if (!cli || !startTime) return undefined;
  try {
    const child = spawn('/bin/sh', ['-c', SCRIPT, GUARDIAN_NAME, process.execPath, cli, bootId, String(process.pid), startTime], {
      cwd: '/',
      detached: true,
      env: withoutLandMarks(process.env),
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    // No shell (a spawn error comes as an event): the stack runs unguarded, as before the guardian.
    child.on('error', () => undefined);
    child.stdin?.on('error', () => undefined);
    child.unref();
    (child.stdin as { unref?: () => void } | null)?.unref?.();
    return child;
  } catch {
    return undefined;
  }
}

const running = (child: ChildProcess | undefined): child is ChildProcess =>
  child !== undefined && child.exitCode === null && child.signalCode === null;

/** For a land that runs no stack of its own (`land up -d`'s foreground: the land it starts has its guardian). */
export const UNGUARDED: Guardian = { dismiss: async () => undefined, killNow: () => undefined };

/** A guardian for this boot, started now; a no-op one where there is no /proc or no shell. */
export function guardBoot(bootId: string): Guardian {
  const child = HAS_PROC ? startGuardian(bootId) : undefined;
  let dismissed: Promise<void> | undefined;
  const dismiss = async () => {
    if (!running(child)) return;
    const guardian = child;
    const exited = new Promise<void>((resolve) => guardian.once('exit', () => resolve()));
    guardian.stdin?.end('clean\n');
    // Bounded whatever happens to it: past the wait it is SIGKILLed and land goes on (a zombie at worst).
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, DISMISS_WAIT_MS)));
    if ((await Promise.race([exited.then(() => 'exited'), late])) !== 'exited') guardian.kill('SIGKILL');
    clearTimeout(timer);
  };
  return {
    // Once: a second call (the boot's close, then up's own end) waits for the first.
    dismiss: () => (dismissed ??= dismiss()),
    killNow() {
      // Not reaped yet (its exit not seen), so the pid is still the guardian's.
      if (running(child)) child.kill('SIGKILL');
    },
  };
}
