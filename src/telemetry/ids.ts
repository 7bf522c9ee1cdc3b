import { randomBytes, randomFillSync } from 'node:crypto';

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ALL_ZERO = /^0+$/;

/**
 * Random bytes for ids, drawn from the CSPRNG 1 KiB at a time (128 span ids): a boot of 64 children made one
 * crypto call per span id, each costing more than the id itself (docs/decisions.md, "Per-child cost").
 */
const POOL_BYTES = 1024;
let pool = Buffer.alloc(0);
let taken = 0;

/** Random lowercase hex of `bytes` bytes; an all-zero id is invalid in W3C trace context, so it is redrawn. */
function randomHexId(bytes: number): string {
  for (;;) {
    if (taken + bytes > pool.length) {
      pool = randomFillSync(Buffer.allocUnsafeSlow(POOL_BYTES));
      taken = 0;
    }
    const id = pool.toString('hex', taken, taken + bytes);
    taken += bytes;
    if (!ALL_ZERO.test(id)) return id;
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
  return value !== undefined && TRACE_ID.test(value) && !ALL_ZERO.test(value);
}

export function isSpanId(value: string | undefined): value is string {
  return value !== undefined && SPAN_ID.test(value) && !ALL_ZERO.test(value);
}

/** A boot id that sorts by time: `20250131T120501123Z-3f9a1c` (UTC start time, then 3 random bytes). */
export function newBootId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:.]/g, '');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}
