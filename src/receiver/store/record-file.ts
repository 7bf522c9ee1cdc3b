/**
 * One append-only file of a store: a record per line (NDJSON), and requests kept as they came (frames: a header line
 * `{"$frame":{"bytes":N,"items":n,"receivedMs":t,"origins":[…]}}`, then the N bytes of the decoded protobuf request, then a newline),
 * in arrival order. What waits is appended in the background (never on the request's path); what waits is bounded,
 * and a failed write latches the file off and counts what it could not write. `flushSync` writes what waits before
 * land exits. `readRecordFile` reads one back, frames converted by the caller.
 */
import { open } from 'node:fs/promises';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writevSync } from 'node:fs';
import { dirname } from 'node:path';
import { oneLine } from '../../errors.js';
import type { Origin } from '../model/types.js';

const FLUSH_DELAY_MS = 250;
/** Beyond this many bytes waiting for the disk, new records are dropped (and counted). */
const MAX_WAITING_BYTES = 16 * 1024 * 1024;
/**
 * Past this many bytes waiting, the write starts at once (or as soon as the last one ends) instead of after the
 * delay: under a flood, what waits is written before V8's young generation is collected twice, so the bodies
 * held for the disk are freed young instead of being promoted and costing a full collection each few MB.
 */
const WRITE_AT_ONCE_BYTES = 256 * 1024;
const NEWLINE = Buffer.from('\n');

/** A request kept as it came: the decoded protobuf bytes and the origin (tier, service) of each resource group. */
export interface Frame {
  body: Buffer;
  origins: Origin[];
  /** The items it holds (spans, log records, metric points). */
  items: number;
  /** When it came (epoch ms): the time of a log record or point that carries none. */
  receivedMs: number;
}

const byteLength = (parts: Buffer[]) => parts.reduce((sum, part) => sum + part.length, 0);

export class RecordFile {
  private waiting: Array<string | Buffer> = [];
  private waitingBytes = 0;
  private waitingItems = 0;
  private writing = false;
  /** Settles when the write under way ends (the next one, if any, has begun by then). */
  private writeEnded: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private madeDir = false;
  written = 0;
  lost = 0;
  failure: string | undefined;

  constructor(readonly path: string) {}

  /** Records, one line each. */
  append(items: readonly object[]): void {
    for (const item of items) this.enqueue([`${JSON.stringify(item)}\n`], 1);
  }

  appendFrame(frame: Frame): void {
    const header = `${JSON.stringify({ $frame: { bytes: frame.body.length, items: frame.items, receivedMs: frame.receivedMs, origins: frame.origins } })}\n`;
    this.enqueue([header, frame.body, NEWLINE], frame.items);
  }

  private enqueue(parts: Array<string | Buffer>, items: number): void {
    const bytes = parts.reduce((sum, part) => sum + part.length, 0);
    if (this.failure !== undefined || this.waitingBytes + bytes > MAX_WAITING_BYTES) {
      this.lost += items;
      return;
    }
    this.waiting.push(...parts);
    this.waitingBytes += bytes;
    this.waitingItems += items;
    if (this.writing) return;
    if (this.waitingBytes < WRITE_AT_ONCE_BYTES) this.schedule();
    else void this.writeWaiting();
  }

  /** The next write, FLUSH_DELAY_MS from now: one open, writev and close per delay, however many records came. */
  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => void this.writeWaiting(), FLUSH_DELAY_MS);
    this.timer.unref();
  }

  private take(): { data: Buffer[]; count: number } | undefined {
    if (this.waiting.length === 0) return undefined;
    // Written as they are (one writev), not joined: a join copied every byte once more.
    const data = this.waiting.map((part) => (typeof part === 'string' ? Buffer.from(part) : part));
    const count = this.waitingItems;
    this.waiting = [];
    this.waitingBytes = 0;
    this.waitingItems = 0;
    return { data, count };
  }

  private ensureDir(): void {
    if (this.madeDir) return;
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    this.madeDir = true;
  }

  private fail(error: unknown, count: number): void {
    this.failure ??= `cannot write ${this.path}: ${oneLine(error)}`;
    this.lost += count + this.waitingItems;
    this.waiting = [];
    this.waitingBytes = 0;
    this.waitingItems = 0;
  }

  private async writeWaiting(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.take();
    if (!batch || this.failure !== undefined) return;
    this.writing = true;
    let ended = () => {};
    this.writeEnded = new Promise((resolve) => (ended = resolve));
    try {
      this.ensureDir();
      const handle = await open(this.path, 'a');
      try {
        const { bytesWritten } = await handle.writev(batch.data);
        if (bytesWritten < byteLength(batch.data)) throw new Error(`wrote ${bytesWritten} of ${byteLength(batch.data)} bytes`);
      } finally {
        await handle.close();
      }
      this.written += batch.count;
    } catch (error) {
      this.fail(error, batch.count);
    } finally {
      this.writing = false;
      ended();
    }
    // Writing again at once whatever waits made, under a flood, a write (three trips to the thread pool) every few
    // requests: a tenth of the receiver's time in the bench (docs/decisions.md, "The receiver's ingest, sixth wave").
    if (this.waitingBytes >= WRITE_AT_ONCE_BYTES) await this.writeWaiting();
    else if (this.waiting.length > 0) this.schedule();
  }

  /**
   * Append what waits once the write under way has ended: a flushSync alone, with a write in flight, wrote the newer
   * records before it and left the older batch to a write that an exit right after would cut off.
   */
  async drain(): Promise<void> {
    while (this.writing) await this.writeEnded;
    this.flushSync();
  }

  /** Append what waits, synchronously (an 'exit' hook, where nothing can be awaited). */
  flushSync(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.take();
    if (!batch || this.failure !== undefined) return;
    try {
      this.ensureDir();
      const fd = openSync(this.path, 'a', 0o600);
      try {
        const bytesWritten = writevSync(fd, batch.data);
        if (bytesWritten < byteLength(batch.data)) throw new Error(`wrote ${bytesWritten} of ${byteLength(batch.data)} bytes`);
      } finally {
        closeSync(fd);
      }
      this.written += batch.count;
    } catch (error) {
      this.fail(error, batch.count);
    }
  }
}

/** What a record file holds, in order: records, and frames for the caller to convert. */
export type FileEntry<T> = { record: T } | { frame: Frame };

/** A record file read back; a torn or unreadable line (a land killed mid-write) is skipped. */
export function readRecordFile<T>(file: string, valid: (record: T) => boolean): Array<FileEntry<T>> {
  if (!existsSync(file)) return [];
  const data = readFileSync(file);
  const out: Array<FileEntry<T>> = [];
  let at = 0;
  while (at < data.length) {
    const newline = data.indexOf(10, at);
    const lineEnd = newline < 0 ? data.length : newline;
    const line = data.toString('utf8', at, lineEnd);
    at = lineEnd + 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue;
    }
    const frame = (parsed as { $frame?: { bytes?: unknown; items?: unknown; receivedMs?: unknown; origins?: unknown } } | null)?.$frame;
    if (frame && typeof frame.bytes === 'number' && Array.isArray(frame.origins)) {
      if (at + frame.bytes > data.length) break; // torn: the body was not written whole
      const body = data.subarray(at, at + frame.bytes);
      out.push({ frame: { body, origins: frame.origins as Origin[], items: Number(frame.items) || 0, receivedMs: Number(frame.receivedMs) || 0 } });
      at += frame.bytes + 1;
    } else if (parsed && valid(parsed as T)) {
      out.push({ record: parsed as T });
    }
  }
  return out;
}
