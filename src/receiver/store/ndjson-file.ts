/**
 * One append-only NDJSON file of a store. Lines are batched and appended in the background (never on the request's
 * path); what waits is bounded, and a failed write latches the file off and counts what it could not write.
 * `flushSync` writes what waits before land exits.
 */
import { appendFile } from 'node:fs/promises';
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { oneLine } from '../../errors.js';

const FLUSH_DELAY_MS = 250;
/** Beyond this many bytes waiting for the disk, new lines are dropped (and counted). */
const MAX_WAITING_BYTES = 16 * 1024 * 1024;

export class NdjsonFile {
  private waiting: string[] = [];
  private waitingBytes = 0;
  private writing = false;
  private timer: NodeJS.Timeout | undefined;
  private madeDir = false;
  written = 0;
  lost = 0;
  failure: string | undefined;

  constructor(readonly path: string) {}

  append(items: readonly object[]): void {
    if (this.failure !== undefined) {
      this.lost += items.length;
      return;
    }
    for (const item of items) {
      const line = `${JSON.stringify(item)}\n`;
      if (this.waitingBytes + line.length > MAX_WAITING_BYTES) {
        this.lost += 1;
        continue;
      }
      this.waiting.push(line);
      this.waitingBytes += line.length;
    }
    if (!this.timer && !this.writing) {
      this.timer = setTimeout(() => void this.writeWaiting(), FLUSH_DELAY_MS);
      this.timer.unref();
    }
  }

  private take(): { text: string; count: number } | undefined {
    if (this.waiting.length === 0) return undefined;
    const text = this.waiting.join('');
    const count = this.waiting.length;
    this.waiting = [];
    this.waitingBytes = 0;
    return { text, count };
  }

  private ensureDir(): void {
    if (this.madeDir) return;
    mkdirSync(dirname(this.path), { recursive: true });
    this.madeDir = true;
  }

  private fail(error: unknown, count: number): void {
    this.failure ??= `cannot write ${this.path}: ${oneLine(error)}`;
    this.lost += count + this.waiting.length;
    this.waiting = [];
    this.waitingBytes = 0;
  }

  private async writeWaiting(): Promise<void> {
    this.timer = undefined;
    const batch = this.take();
    if (!batch || this.failure !== undefined) return;
    this.writing = true;
    try {
      this.ensureDir();
      await appendFile(this.path, batch.text);
      this.written += batch.count;
    } catch (error) {
      this.fail(error, batch.count);
    } finally {
      this.writing = false;
    }
    if (this.waiting.length > 0) await this.writeWaiting();
  }

  /** Append what waits, synchronously (an 'exit' hook or the end of a boot). */
  flushSync(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.take();
    if (!batch || this.failure !== undefined) return;
    try {
      this.ensureDir();
      appendFileSync(this.path, batch.text);
      this.written += batch.count;
    } catch (error) {
      this.fail(error, batch.count);
    }
  }
}
