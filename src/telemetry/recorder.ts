/**
 * The local NDJSON recording (Record=1): every event and span appended to `<dir>/events.ndjson` and `spans.ndjson`.
 * One writer per directory per process. Lines are buffered briefly and appended synchronously, so a clean exit
 * (the 'exit' hook) loses nothing; a failed write marks the recording unavailable and never throws.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PipeStatus } from '../supervisor/types.js';
import { oneLine } from '../errors.js';

const FLUSH_DELAY_MS = 200;
const FLUSH_AT_LINES = 500;

export const EVENTS_FILE = 'events.ndjson';
export const SPANS_FILE = 'spans.ndjson';

/** `<LAND_TELEMETRY_DIR or <cwd>/.land/telemetry>/<boot id>` */
export function recordingDir(bootId: string, env: Readonly<Record<string, string | undefined>> = process.env, cwd = process.cwd()): string {
  const root = env.LAND_TELEMETRY_DIR && env.LAND_TELEMETRY_DIR.trim() !== '' ? env.LAND_TELEMETRY_DIR : join(cwd, '.land', 'telemetry');
  return join(root, bootId);
}

export class Recorder {
  private events: string[] = [];
  private spans: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private madeDir = false;
  private unavailableReason: string | undefined;
  private written = 0;
  private lost = 0;

  constructor(readonly dir: string) {}

  recordEvent(line: object): void {
    this.push(this.events, line);
  }

  recordSpan(line: object): void {
    this.push(this.spans, line);
  }

  status(): PipeStatus {
    if (this.unavailableReason !== undefined) {
      return { state: 'unavailable', sent: this.written, dropped: this.lost, reason: this.unavailableReason };
    }
    return { state: 'on', sent: this.written, dropped: this.lost };
  }

  /** Append everything buffered now (synchronous: safe in an 'exit' hook). */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.write(EVENTS_FILE, this.events);
    this.events = [];
    this.write(SPANS_FILE, this.spans);
    this.spans = [];
  }

  private push(buffer: string[], line: object): void {
    if (this.unavailableReason !== undefined) {
      this.lost += 1;
      return;
    }
    let text: string;
    try {
      text = JSON.stringify(line);
    } catch {
      this.lost += 1;
      return;
    }
    buffer.push(text);
    if (this.events.length + this.spans.length >= FLUSH_AT_LINES) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), FLUSH_DELAY_MS);
      this.timer.unref();
    }
  }

  private write(file: string, lines: string[]): void {
    if (lines.length === 0) return;
    if (this.unavailableReason !== undefined) {
      this.lost += lines.length;
      return;
    }
    try {
      if (!this.madeDir) {
        // Private, as the logs: spans and events carry the children's attributes.
        mkdirSync(this.dir, { recursive: true, mode: 0o700 });
        this.madeDir = true;
      }
      appendFileSync(join(this.dir, file), lines.join('\n') + '\n', { mode: 0o600 });
      this.written += lines.length;
    } catch (error) {
      this.unavailableReason = `cannot write ${this.dir}: ${oneLine(error)}`;
      this.lost += lines.length;
    }
  }
}

const recorders = new Map<string, Recorder>();
let exitHooked = false;

/** The process's one writer for a directory. */
export function recorderFor(dir: string): Recorder {
  let recorder = recorders.get(dir);
  if (!recorder) {
    recorder = new Recorder(dir);
    recorders.set(dir, recorder);
  }
  if (!exitHooked) {
    exitHooked = true;
    process.once('exit', flushAllRecorders);
  }
  return recorder;
}

export function flushAllRecorders(): void {
  for (const recorder of recorders.values()) recorder.flush();
}
