/**
 * At the stack's end, what the control server still owes its readers: a follower that is behind (its answer ended
 * by the stack, but not all of it handed to the kernel yet) gets the rest as long as it keeps reading, within a
 * bound, before the server drops every connection. A reader that stops reading is cut off, as before.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { ReaderPace } from './reader-pace.js';

/**
 * A reader that takes nothing for this long is cut off at the close (as one that stays behind while land runs is),
 * or for PACE_FACTOR times the longest gap between the steps it was seen to take lately, if longer (reader-pace.ts).
 */
export const DRAIN_STALL_MS = 1000;
/** However much it keeps reading, the close waits no longer than this. */
export const DRAIN_MAX_MS = 10_000;
const CHECK_MS = 50;

/**
 * The servers' open connections, to see what each still has to send. Once `refuse()`d, a new connection is closed
 * at once (the client reads it as a stack that stopped): `server.close()` cannot stop listening before the drain,
 * since it also drops every connection whose answer is complete, with its unsent bytes.
 */
export class Connections {
  /** Each with its reader's pace, watched from the start: at the close, a reader's gaps before it matter too. */
  readonly open = new Map<Socket, ReaderPace>();
  private refusing = false;

  track(server: Server): void {
    server.on('connection', (socket: Socket) => {
      if (this.refusing) return void socket.destroy();
      this.open.set(socket, new ReaderPace(socket));
      socket.once('close', () => this.open.delete(socket));
    });
  }

  refuse(): void {
    this.refusing = true;
  }
}

/**
 * Bytes the client has taken (the kernel accepted them): all written minus what waits or is in flight. An answer
 * still being written (a stream sending what it owes, a piece each time the last was taken) makes progress while
 * what waits stays about the same size.
 */
const takenBytes = (socket: Socket) => socket.bytesWritten - socket.writableLength;

/**
 * Resolves once every connection has sent what it holds, or has made no progress for its stall limit (DRAIN_STALL_MS,
 * or longer for a reader seen to take its bytes in slower steps), or at DRAIN_MAX_MS.
 */
export async function drainConnections(open: ReadonlyMap<Socket, ReaderPace>): Promise<void> {
  const giveUpAt = Date.now() + DRAIN_MAX_MS;
  const last = new Map<Socket, { taken: number; at: number }>();
  for (;;) {
    const now = Date.now();
    let waiting = false;
    for (const [socket, pace] of open) {
      if (socket.destroyed || socket.writableLength === 0) continue;
      const taken = takenBytes(socket);
      const seen = last.get(socket);
      if (seen && taken > seen.taken) pace.step(now);
      if (!seen || taken > seen.taken) last.set(socket, { taken, at: now });
      if (now - (last.get(socket)?.at ?? now) < pace.stallLimit(now, DRAIN_STALL_MS)) waiting = true;
    }
    if (!waiting || now >= giveUpAt) return;
    await new Promise((resolve) => setTimeout(resolve, CHECK_MS));
  }
}
