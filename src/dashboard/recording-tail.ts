/**
 * The boot's recording (`.land/telemetry/<boot>/spans.ndjson`, `events.ndjson`, written by mountain and by every
 * child that records) read as it grows: each call reads only the bytes appended since the last one and parses
 * whole lines with the code `land trace` uses. Bounded: beyond `limit` entries the oldest are dropped (and counted).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordedEvent } from '../telemetry/capture.js';
import { EVENTS_FILE, SPANS_FILE } from '../telemetry/recorder.js';
import type { RecordedSpan } from '../telemetry/spans.js';
import { keepEvents, keepSpans, parseNdjson } from '../telemetry/recording-lines.js';

/** At most this many bytes are read per call, so one request never reads a huge file at once. */
const READ_CHUNK = 4 * 1024 * 1024;

class NdjsonTail<T> {
  private offset = 0;
  private partial = Buffer.alloc(0);
  readonly items: T[] = [];
  dropped = 0;

  constructor(
    private readonly file: string,
    private readonly keep: (items: T[]) => T[],
    private readonly limit: number,
  ) {}

  read(): T[] {
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch {
      return this.items; // not written yet (or Record is off)
    }
    try {
      const size = fstatSync(fd).size;
      if (size < this.offset) this.reset(); // replaced: start over
      const length = Math.min(size - this.offset, READ_CHUNK);
      if (length <= 0) return this.items;
      const buffer = Buffer.alloc(length);
      const read = readSync(fd, buffer, 0, length, this.offset);
      this.offset += read;
      // Bytes, not text, up to the last newline: a chunk may end inside a character.
      const bytes = Buffer.concat([this.partial, buffer.subarray(0, read)]);
      const end = bytes.lastIndexOf(0x0a);
      this.partial = bytes.subarray(end + 1);
      if (end >= 0) this.add(this.keep(parseNdjson<T>(bytes.subarray(0, end + 1).toString('utf8'))));
    } finally {
      closeSync(fd);
    }
    return this.items;
  }

  private add(items: T[]): void {
    this.items.push(...items);
    const over = this.items.length - this.limit;
    if (over > 0) {
      this.items.splice(0, over);
      this.dropped += over;
    }
  }

  private reset(): void {
    this.offset = 0;
    this.partial = Buffer.alloc(0);
    this.items.length = 0;
  }
}

export class RecordingTail {
  private readonly spanTail: NdjsonTail<RecordedSpan>;
  private readonly eventTail: NdjsonTail<RecordedEvent>;

  constructor(dir: string, limit = 50_000) {
    this.spanTail = new NdjsonTail(join(dir, SPANS_FILE), keepSpans, limit);
    this.eventTail = new NdjsonTail(join(dir, EVENTS_FILE), keepEvents, limit);
  }

  spans(): RecordedSpan[] {
    return this.spanTail.read();
  }

  events(): RecordedEvent[] {
    return this.eventTail.read();
  }

  /** Spans dropped from the front so far: `spans()[i]` is the (droppedSpans + i)-th span read. */
  get droppedSpans(): number {
    return this.spanTail.dropped;
  }

  get droppedEvents(): number {
    return this.eventTail.dropped;
  }
}
