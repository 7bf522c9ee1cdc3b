/**
 * A land held while it closes: a client started then (`land down`, `land status`) finds it exiting however long the
 * client itself takes to start on a loaded machine. Without the hold, that window was land's drain and last flush,
 * which CI's load missed more than once (and the flush is instant once a failed host was marked unavailable).
 */
import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Whether the control socket takes no new connection: gone, refused, or closed at once (a closing server). */
function refuses(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    // A serving land keeps an idle connection open: one still open after this long was accepted.
    const timer = setTimeout(() => {
      resolve(false);
      socket.destroy();
    }, 200);
    const refused = () => {
      clearTimeout(timer);
      resolve(true);
    };
    socket.once('error', refused).once('close', refused);
  });
}

/**
 * Once land's control socket refuses connections (its shutdown over, its drain under way, its pid record there until
 * its exit), stops land with SIGSTOP and removes the socket's path, as land's close will: a client then finds no
 * socket (a stopped land's listening socket would still take its connection, and the client would wait for an
 * answer) and reads the pid record. `release` lets land go on (SIGCONT).
 */
export async function holdClosingLand(socketPath: string, pid: number, timeoutMs = 30_000): Promise<{ release(): void }> {
  const deadline = Date.now() + timeoutMs;
  while (!(await refuses(socketPath))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${socketPath} to refuse connections`);
    await sleep(10);
  }
  process.kill(pid, 'SIGSTOP');
  rmSync(socketPath, { force: true });
  return { release: () => process.kill(pid, 'SIGCONT') };
}
