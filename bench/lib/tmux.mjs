// A real terminal for the terminal programs (land's UI, mprocs): one private tmux server (its own socket), one
// window per run.
import { execFileSync, spawnSync } from 'node:child_process';

const SOCKET = `land-bench-${process.pid}`;
let started = false;

const tmux = (...args) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' }).trim();

/** The server, and so every window, starts from `baseEnv`. Called before a launch is timed, its start is not timed. */
export function ensureServer(baseEnv) {
  if (started) return;
  execFileSync('tmux', ['-L', SOCKET, 'new-session', '-d', '-s', 'bench', '-x', '160', '-y', '48'], { env: baseEnv });
  tmux('set-option', '-g', 'remain-on-exit', 'off');
  started = true;
}

const quote = (arg) => `'${String(arg).replaceAll("'", `'\\''`)}'`;

/**
 * Runs argv in a new window of the bench session, in cwd, with the server's environment (baseEnv, set once) plus
 * `env`; returns the pid of the command itself.
 */
export function tmuxWindow(cwd, argv, env, baseEnv) {
  ensureServer(baseEnv);
  const assignments = Object.entries(env)
    .filter(([key]) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
    .map(([key, value]) => `${key}=${quote(value)}`);
  // exec: the pane's pid is the command's own pid, not a shell's.
  const line = `cd ${quote(cwd)} && exec env ${assignments.join(' ')} ${argv.map(quote).join(' ')}`;
  return Number(tmux('new-window', '-d', '-P', '-F', '#{pane_pid}', '-t', 'bench:', line));
}

/** Types keys into the pane whose command has this pid, as a user at that terminal would (mprocs quits on `q`). */
export function sendKeys(pid, ...keys) {
  const panes = tmux('list-panes', '-a', '-F', '#{pane_pid} #{pane_id}').split('\n');
  const pane = panes.map((row) => row.split(' ')).find(([panePid]) => Number(panePid) === pid)?.[1];
  if (!pane) throw new Error(`no tmux pane runs pid ${pid}`);
  tmux('send-keys', '-t', pane, ...keys);
}

/** The visible text of the most recent window (to check that the UI drew something). */
export function captureLast() {
  if (!started) return '';
  try {
    const windows = tmux('list-windows', '-t', 'bench', '-F', '#{window_index}').split('\n');
    return tmux('capture-pane', '-p', '-t', `bench:${windows[windows.length - 1]}`);
  } catch {
    return '';
  }
}

export function stopTmux() {
  if (started) spawnSync('tmux', ['-L', SOCKET, 'kill-server'], { stdio: 'ignore' });
  started = false;
}
