/**
 * What the receiver dropped in a boot (over its limits, or items it could not keep), per signal, written beside the
 * boot's records as `receiver/dropped.json` so that `land trace` can say so, of a running boot or a past one: at most
 * once a second while drops happen (they are rare: a flood over a limit), and once more when the boot ends.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RECEIVER_DIR } from './store/boot-store.js';

export const DROPPED_FILE = 'dropped.json';

export interface DroppedCounts {
  spans: number;
  logRecords: number;
  metricPoints: number;
}

const WRITE_EVERY_MS = 1000;

export class DropNote {
  private timer: NodeJS.Timeout | undefined;
  private readonly file: string | undefined;

  constructor(
    bootDir: string | undefined,
    private readonly counts: () => DroppedCounts,
  ) {
    this.file = bootDir ? join(bootDir, RECEIVER_DIR, DROPPED_FILE) : undefined;
  }

  /** Items were dropped: written within a second. */
  changed(): void {
    if (!this.file || this.timer) return;
    this.timer = setTimeout(() => this.write(), WRITE_EVERY_MS).unref();
  }

  /** The boot ends: written now if anything was dropped. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    const counts = this.counts();
    if (counts.spans + counts.logRecords + counts.metricPoints > 0) this.write();
  }

  private write(): void {
    this.timer = undefined;
    if (!this.file) return;
    try {
      mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
      writeFileSync(this.file, `${JSON.stringify(this.counts())}\n`);
    } catch {
      // Telemetry is fail-open: a note that cannot be written leaves `land trace` silent on drops, nothing more.
    }
  }
}

/** The boot's drops as the receiver noted them (none noted: zeros). */
export function readDropped(bootDir: string): DroppedCounts {
  try {
    const parsed = JSON.parse(readFileSync(join(bootDir, RECEIVER_DIR, DROPPED_FILE), 'utf8')) as Partial<DroppedCounts>;
    const count = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0);
    return { spans: count(parsed.spans), logRecords: count(parsed.logRecords), metricPoints: count(parsed.metricPoints) };
  } catch {
    return { spans: 0, logRecords: 0, metricPoints: 0 };
  }
}
