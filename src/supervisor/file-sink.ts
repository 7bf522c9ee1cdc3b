/**
 * An append-only file written through node's thread pool, one write at a time: what comes while a write is in flight
 * goes out together in the next one (one `writev`). This is what `fs.WriteStream` does for a tier's log file, without
 * a stream's machinery around every read of a child's pipe (a request object, `nextTick`s, the callbacks' chain): a
 * flood hands the log file ~3 300 reads per 100 MB (docs/decisions.md, "The log relay, fourteenth wave").
 *
 * A write that fails ends the sink: the file is closed, what it still held is `pending` (lost), `onError` is told
 * once, and whoever waits for room is let go (a failed file never holds a pipe).
 */
import { close, writev } from 'node:fs';

export interface FileSinkOptions {
  /** Past this many bytes given and not yet written, `write` says false until the sink has written them all. */
  highWaterMark: number;
  onError(error: Error): void;
  /** A write went through (the log file's recovery after a failure is told by it). */
  onWritten?: () => void;
}

export class FileSink {
  /** Bytes given and not written yet (in flight and queued). */
  pending = 0;
  /** The file is closed, or closing: after `end` or a failed write. */
  done = false;
  private queue: Buffer[] = [];
  private writing = false;
  private closed = false;
  private ending = false;
  private needDrain = false;
  private waiters: (() => void)[] = [];
  private onClosed: (() => void)[] = [];

  constructor(
    private readonly fd: number,
    private readonly options: FileSinkOptions,
  ) {}

  /** Appends `piece`. False: past the high-water mark, `whenWritable` before writing more. */
  write(piece: Buffer): boolean {
    if (this.done || this.ending) return true;
    this.queue.push(piece);
    this.pending += piece.length;
    if (!this.writing) this.next();
    if (this.pending < this.options.highWaterMark) return true;
    this.needDrain = true;
    return false;
  }

  /** Whether `write` said false and the sink has not written everything since. */
  get behind(): boolean {
    return this.needDrain && !this.done;
  }

  /** Calls `then` once the sink has written all it was given, or has ended. */
  whenWritable(then: () => void): void {
    if (this.behind) this.waiters.push(then);
    else setImmediate(then);
  }

  /** Writes what it holds, then closes the file; `then` runs once it is closed. */
  end(then?: () => void): void {
    if (then && this.closed) setImmediate(then);
    else if (then) this.onClosed.push(then);
    if (this.done) return;
    this.ending = true;
    if (!this.writing) this.finish();
  }

  private next(): void {
    const pieces = this.queue;
    this.queue = [];
    let sent = 0;
    for (const piece of pieces) sent += piece.length;
    this.writing = true;
    writev(this.fd, pieces, (error, written) => this.written(error, written, pieces, sent));
  }

  private written(error: NodeJS.ErrnoException | null, bytes: number, pieces: Buffer[], sent: number): void {
    this.writing = false;
    if (error) return this.fail(error);
    if (bytes === 0 && sent > 0) return this.fail(new Error('the file took no bytes'));
    this.pending -= bytes;
    this.options.onWritten?.();
    // A short write (libuv ends its loop at a failing write after others went through): the rest goes again first,
    // and its error, if it lasts, comes with it.
    if (bytes < sent) this.queue = [...unwritten(pieces, bytes), ...this.queue];
    if (this.queue.length > 0) return this.next();
    if (this.ending) return this.finish();
    if (this.needDrain) {
      this.needDrain = false;
      this.letGo();
    }
  }

  private fail(error: Error): void {
    this.queue = [];
    this.finish();
    this.options.onError(error);
  }

  private finish(): void {
    this.done = true;
    this.letGo();
    close(this.fd, () => {
      this.closed = true;
      const then = this.onClosed;
      this.onClosed = [];
      for (const callback of then) callback();
    });
  }

  private letGo(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}

/** What is left of `pieces` once their first `bytes` are written. */
function unwritten(pieces: readonly Buffer[], bytes: number): Buffer[] {
  const rest: Buffer[] = [];
  for (const piece of pieces) {
    if (bytes >= piece.length) bytes -= piece.length;
    else {
      rest.push(bytes > 0 ? piece.subarray(bytes) : piece);
      bytes = 0;
    }
  }
  return rest;
}
