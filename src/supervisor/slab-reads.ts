/**
 * A child's pipe read into slabs of land's own instead of node's `data` events (docs/decisions.md, "The log relay,
 * another pass"). node reads a pipe into a fresh 64 KiB buffer, copies it into one of the read's size and pushes that
 * through its `Readable`; here each read lands right after the previous one in a 256 KiB slab and is handed on as a
 * view. A slab is filled again only once every holder of its views has let go (slab-pool.ts: the log file, the
 * printer, the recent lines, a reader, and this reader while a line not yet ended lies in it), so a view stays valid
 * for as long as anyone holds it.
 *
 * Until a pipe says something it reads into one room shared by every pipe (`sharedFirstRoom`), and its first read is
 * copied out of it into the pipe's first slab before that read's callback returns: node calls a read's callback before
 * it reads any pipe again, so the room is free for the next one. An idle tier then holds no buffer at all: a room of
 * its own per pipe (16 KiB each, two per tier) was ~0.5 MB of land's malloc heap with 64 idle tiers, and every child
 * land forks copies that heap's pages until its exec (docs/decisions.md, "Start-up and peak RSS (seventeenth wave)").
 *
 * This is node's `onread` (public for `net.connect`) switched on for the socket child_process already made: three of
 * the socket's symbols and its handle's `useUserBuffer`. The socket keeps its handle, so closing, the child's `close`
 * and `pause`/`resume` stay node's (with a user buffer a pause stops the handle at once). A node whose sockets lack
 * any of it gets `false` and the relay reads `data` events as before.
 */
import type { Readable } from 'node:stream';
import { releaseSlab, SLAB_BYTES, takeSlab } from './slab-pool.js';

/**
 * The first read's room, before the pipe has said anything: shared by every pipe (above), so a tier that never writes
 * (or a stderr kept quiet) holds nothing, not a slab (64 idle tiers would hold 32 MiB of slabs V8 counts as external
 * memory).
 */
const FIRST_BYTES = 16 * 1024;
let sharedFirstRoom: Buffer | undefined;
/** The least room a read is given: node's read size. A read may take the rest of its slab, up to `maxRead()`. */
const READ_ROOM = 64 * 1024;

interface OnRead {
  buffer: symbol;
  callback: symbol;
  generator: symbol;
}

interface SocketLike {
  _handle?: { useUserBuffer?: (buffer: Uint8Array) => void } | null;
  [key: symbol]: unknown;
}

/** The symbols found last: node's net module makes them once, so every socket has the same three. */
let known: OnRead | undefined;

/** The socket's onread symbols, when it has all three unset (a socket not switched yet). */
function onReadOf(socket: SocketLike): OnRead | undefined {
  // Two pipes a tier: the search of the socket's symbols once, not twice per tier of a 64-wide wave.
  if (known && unset(socket, known)) return known;
  const symbols = Object.getOwnPropertySymbols(socket);
  const named = (name: string) => symbols.find((symbol) => symbol.description === name);
  const [buffer, callback, generator] = [named('kBuffer'), named('kBufferCb'), named('kBufferGen')];
  if (!buffer || !callback || !generator) return undefined;
  const found = { buffer, callback, generator };
  if (!unset(socket, found)) return undefined;
  known = found;
  return found;
}

/** All three own and null (a symbol the socket lacks reads `undefined`). */
function unset(socket: SocketLike, { buffer, callback, generator }: OnRead): boolean {
  return socket[buffer] === null && socket[callback] === null && socket[generator] === null;
}

/**
 * Reads `stream` (a child's pipe, before its first read) into slabs: `onRead` gets each read as a view; it returns
 * false to stop reading (the stream is paused: its `resume` reads again). A read takes what the pipe holds, up to the
 * rest of its slab and `maxRead()` (asked before each read), never less than 64 KiB. False when this node does not
 * allow it.
 *
 * A slab is held (slab-pool.ts) while it is read into and while the last `pendingBytes()` bytes read (a line not
 * handed on yet: the bytes a line splitter still holds views of) may lie in it; without `pendingBytes` it is held for
 * good (left to the GC).
 */
export function readIntoSlabs(
  stream: Readable,
  onRead: (chunk: Buffer) => boolean,
  maxRead: () => number = () => READ_ROOM,
  pendingBytes: () => number = () => Infinity,
): boolean {
  const socket = stream as unknown as SocketLike;
  const handle = socket._handle;
  if (process.env.LAND_SLAB_READS === '0' || typeof handle?.useUserBuffer !== 'function') return false;
  const onread = onReadOf(socket);
  if (!onread) return false;
  const first = (sharedFirstRoom ??= Buffer.allocUnsafeSlow(FIRST_BYTES));
  let slab = first;
  let used = 0;
  /** Bytes read so far, and the slabs this pipe holds (oldest first) with where each one's bytes end among them. */
  let read = 0;
  const held: Array<{ memory: ArrayBufferLike; end: number }> = [];
  const take = () => {
    slab = takeSlab();
    held.push({ memory: slab.buffer, end: read });
  };
  const handedOn = (bytes: number, chunk: Buffer) => {
    read += bytes;
    held[held.length - 1]!.end = read;
    const more = onRead(chunk);
    // A slab older than the pending line's bytes is the reader's no more (the line splitter has handed its lines on).
    while (held.length > 1 && read - held[0]!.end >= pendingBytes()) releaseSlab(held.shift()!.memory);
    return more;
  };
  const next = () => {
    if (slab.length - used < READ_ROOM) {
      take();
      used = 0;
    }
    return slab.subarray(used, used + Math.max(READ_ROOM, Math.min(SLAB_BYTES - used, maxRead())));
  };
  socket[onread.buffer] = first;
  socket[onread.generator] = next;
  socket[onread.callback] = (bytes: number, buffer: Buffer) => {
    if (buffer === first) {
      // The shared room: the read moves into this pipe's first slab now, before any other pipe reads into the room.
      take();
      used = first.copy(slab, 0, 0, bytes);
      return handedOn(bytes, slab.subarray(0, bytes));
    }
    used += bytes;
    return handedOn(bytes, buffer.subarray(0, bytes));
  };
  handle.useUserBuffer(first);
  // Flowing, with nothing buffered: the pipe's end is read as `end` then `close`, as with `data` events. (At the
  // child's exit child_process resumes its pipes, paused or not, to read them out: the same either way.)
  stream.resume();
  return true;
}
