/** A tmux server of a test file's own (`tmux -L <socket>`): the tests drive land's terminal in its panes. */
import { execFileSync } from 'node:child_process';

export interface TmuxServer {
  /** Runs one tmux command against this server and returns what it printed. */
  (...args: string[]): string;
  /** Ends the server (every pty it held closes); a server never started or already gone is fine. */
  kill(): void;
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
  return tmux;
}
