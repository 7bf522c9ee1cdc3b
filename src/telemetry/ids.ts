import { randomBytes } from 'node:crypto';

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

/** Random lowercase hex of `bytes` bytes; an all-zero id is invalid in W3C trace context, so it is redrawn. */
function randomHexId(bytes: number): string {
  for (;;) {
    const id = randomBytes(bytes).toString('hex');
    if (!/^0+$/.test(id)) return id;
  }
}

/** A W3C trace id: 32 lowercase hex, random, never all zero. */
export function newTraceId(): string {
  return randomHexId(16);
}

/** A W3C span (parent) id: 16 lowercase hex, random, never all zero. */
export function newSpanId(): string {
  return randomHexId(8);
}

export function isTraceId(value: string | undefined): value is string {
  return value !== undefined && TRACE_ID.test(value) && !/^0+$/.test(value);
}

export function isSpanId(value: string | undefined): value is string {
  return value !== undefined && SPAN_ID.test(value) && !/^0+$/.test(value);
}

/** A boot id that sorts by time: `20250131T120501123Z-3f9a1c` (UTC start time, then 3 random bytes). */
export function newBootId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:.]/g, '');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}
