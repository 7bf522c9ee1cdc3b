/**
 * Every command's stdout can fail under it: its reader goes away (EPIPE: `land logs api -f | head -1`, `land status |
 * grep -m1 ready`), a redirected file's disk fills (ENOSPC), a terminal hangs up (EIO). The 'error' event had no
 * listener in the client commands, so it crashed them with a Node stack trace (exit 1), `land up -d` half-way
 * through its wait. Now (README "When an output fails"):
 * - a reader that goes away ends the command quietly: `land logs` at once (`-f` also on a quiet stack: reader-watch.ts), exit 0 (what the reader wanted it has, as
 *   ripgrep ends; not 141, the 128 + SIGPIPE of `cat` or `git`, which `set -o pipefail` takes for a failure); any other
 *   command finishes what it does and exits with its own code (a restart is still done, a failed check still 2);
 * - any other failure is said on stderr, and a command that would have exited 0 exits 1 (its output is lost);
 * - `land up` (not -d), `land spawn` running a tier alone, `land run` and `land watch` keep their own rules
 *   (src/cli/sinks.ts): the stack, or the child, runs on without its display.
 */
import { guardStdio, onSinkLost, sinkLost, tell } from './sinks.js';

/** Commands that print until stopped, or a whole log: a reader that goes away is what stops them. */
const ENDS_WITH_READER = new Set(['logs', 'attach']);
/** Commands whose outputs follow their own rules (sinks.ts); `land up -d` is a client like the others. */
const OWN_RULES = new Set(['up', 'spawn', 'run', 'watch']);

let judged = false;

/** Before the command runs: a failing stdout never crashes it, and `land logs` ends with its reader. */
export function watchStdout(command: string, options: { background?: boolean; follow?: boolean }): void {
  guardStdio();
  judged = !OWN_RULES.has(command) || (command === 'up' && options.background === true);
  if (!judged || !ENDS_WITH_READER.has(command)) return;
  onSinkLost(({ name, why }) => {
    if (name !== 'stdout') return;
    if (why !== 'EPIPE') tell(`land: could not write to stdout (${why})`);
    process.exit(why === 'EPIPE' ? 0 : 1);
  });
  // Following a quiet stack, no write would fail: the reader is watched instead (reader-watch.ts, loaded only here).
  // A watch that cannot start (its import or tail's spawn fails) changes nothing: land notices at its next write.
  if (options.follow === true) {
    void import('./reader-watch.js')
      .then(({ watchReader }) => watchReader(() => process.exit(0)))
      .catch(() => undefined);
  }
}

/**
 * The command's exit code once stdout has had a turn of the loop to report a failure of its last write (a write's
 * error is emitted on the next tick, after the command has ended).
 */
export async function stdoutVerdict(code: number): Promise<number> {
  if (!judged) return code;
  await new Promise((resolve) => setImmediate(resolve));
  const why = sinkLost('stdout');
  if (why === undefined || why === 'EPIPE' || code !== 0) return code;
  tell(`land: could not write to stdout (${why})`);
  return 1;
}
