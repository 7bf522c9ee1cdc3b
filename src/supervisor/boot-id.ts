/** Boot ids sort by time (the latest boot is the last name in .land/telemetry/) and stay unique. */
import { randomBytes } from 'node:crypto';

export function newBootId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}
