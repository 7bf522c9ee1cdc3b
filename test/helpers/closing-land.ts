/**
 * A land held between its control socket's removal and its exit: a client started then (`land down`, `land status`)
 * finds it exiting however long the client itself takes to start on a loaded machine. Without the hold, that window
 * is land's last telemetry flush (bounded at 2 s), which CI's load missed more than once.
 */
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Once land's control socket is gone (its shutdown and drain over; its pid record stays until its last flush has
 * ended), stops land with SIGSTOP; `release` lets it go on. Not while the socket exists: the kernel would still take
 * a client's connection to a stopped land, and the client would wait for an answer until the release.
 */
export async function holdClosingLand(socketPath: string, pid: number, timeoutMs = 30_000): Promise<{ release(): void }> {
  const deadline = Date.now() + timeoutMs;
  while (existsSync(socketPath)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${socketPath} to be removed`);
    await sleep(10);
  }
  process.kill(pid, 'SIGSTOP');
  return { release: () => process.kill(pid, 'SIGCONT') };
}
