/**
 * Exit codes of the control commands (status, spawn, stop, restart, logs, attach, send, down, watch) and of a refused
 * `land up`:
 *   0 done · 1 unexpected failure · 2 bad input (unknown tier, bad flag, no config)
 *   3 no stack running (also: its land died, and what it started still runs: `land down` stops it)
 *   4 conflict (already running, not running, gated, shutting down, a replica removed by `land scale` while the
 *     command waited, a land already up or starting, a tier not reading its stdin or no longer taking input)
 *   5 the stack did not answer in time (a land stopped with SIGSTOP, or hung) · 6 a stream was cut off
 *   7 done, but processes land started are still running: it could not stop them (named on stderr)
 *   8 `land up --background`: the stack runs, but is not up (a tier failed to start, or the wait ran out)
 */
export const EXIT_BAD_INPUT = 2;
export const EXIT_NO_STACK = 3;
export const EXIT_CONFLICT = 4;
export const EXIT_NO_ANSWER = 5;
/** `land logs -f` / `land attach` / `land watch`: the stream ended without the stack saying it stopped. */
export const EXIT_STREAM_LOST = 6;
/**
 * `land stop` / `land restart` / `land scale` (the removed replicas' stops), `land down`, and `land up` / `land spawn`
 * at their end: a stop gave up on processes that refused
 * land's signals (EPERM: e.g. it runs as another user now, through sudo) or outlived SIGKILL.
 */
export const EXIT_LEFT_BEHIND = 7;
/**
 * `land up --background`: the background land runs, but the stack did not come up: a tier failed to start (crashed
 * or failed its readiness probe before it was ready, was given up on, or waits on a dependency that failed), or the
 * wait ran out. The stack keeps running: `land down` stops it.
 */
export const EXIT_NOT_UP = 8;
