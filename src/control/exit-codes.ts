/**
 * Exit codes of the control commands (status, spawn, stop, restart, logs, down, watch) and of a refused `land up`:
 *   0 done · 1 unexpected failure · 2 bad input (unknown tier, bad flag, no config)
 *   3 no stack running · 4 conflict (already running, not running, gated, shutting down, a land already up)
 */
export const EXIT_BAD_INPUT = 2;
export const EXIT_NO_STACK = 3;
export const EXIT_CONFLICT = 4;
