/** What the fault tests share beyond test/helpers: the fault fixture, the recording, a land's memory. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/land.js';

export const FAULT_CHILD = join(ROOT, 'test', 'fixtures', 'fault-child.mjs');

/** argv for the misbehaving fixture child. */
export const faultChild = (...args: Array<string | number>) => ['node', FAULT_CHILD, ...args.map(String)];

/** A profile that turns the local NDJSON recording on (Record=1) and nothing else. */
export const RECORD_PROFILE = { debug: 'Record=1\n' };

export interface RecordedEvent {
  event: string;
  properties: Record<string, unknown>;
}

/** Events of a boot as land recorded them under .land/telemetry/<boot>/events.ndjson. */
export function recordedEvents(dir: string, bootId: string): RecordedEvent[] {
  let text = '';
  try {
    text = readFileSync(join(dir, '.land', 'telemetry', bootId, 'events.ndjson'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as RecordedEvent);
}

/** A field of /proc/<pid>/status in kB (VmHWM: the resident peak, VmRSS: resident now). */
export function procStatusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no ${field} for pid ${pid}`);
  return Number(match[1]);
}
