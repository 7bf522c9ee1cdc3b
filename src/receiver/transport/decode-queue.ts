/** Bodies decoded one at a time, each after the event loop has had a turn; counts the bytes still waiting. */
import { setImmediate as nextTurn } from 'node:timers/promises';

export class DecodeQueue {
  private queue: Promise<void> = Promise.resolve();
  waitingBytes = 0;

  async run(bytes: number, work: () => Promise<void>): Promise<void> {
    this.waitingBytes += bytes;
    const turn = this.queue.then(async () => {
      await nextTurn();
      await work();
    });
    this.queue = turn
      .catch(() => undefined)
      .finally(() => {
        this.waitingBytes -= bytes;
      });
    await turn;
  }
}

/** A Host (or HTTP/2 :authority) naming loopback, or none (a client that sends none is no browser). */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return true;
  const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '').toLowerCase();
  return name === '127.0.0.1' || name === 'localhost' || name === '::1';
}
