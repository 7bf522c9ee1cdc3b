/** A tmux server of a test file's own (`tmux -L <socket>`): the tests drive land's terminal in its panes. */
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

export interface TmuxServer {
  /** Runs one tmux command against this server and returns what it printed. */
  (...args: string[]): string;
  /** Ends the server (every pty it held closes); a server never started or already gone is fine. */
  kill(): void;
  /** The pane's text once `check` passes (read every `everyMs`, 30 s at most: then an error with `what` and the screen). */
  waitForScreen(session: string, check: (text: string) => boolean, what: string, everyMs?: number): Promise<string>;
}

export function tmuxServer(name: string): TmuxServer {
  const socket = `land-${name}-${process.pid}`;
  const tmux = ((...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' })) as TmuxServer;
  tmux.kill = () => {
    try {
      tmux('kill-server');
    } catch {
      // never started, or already gone
    }
  };
  tmux.waitForScreen = async (session, check, what, everyMs = 100) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const text = tmux('capture-pane', '-p', '-t', session);
      if (check(text)) return text;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${text}`);
      await sleep(everyMs);
    }
  };
  return tmux;
}
