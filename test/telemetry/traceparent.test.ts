import { afterEach, describe, expect, it } from 'vitest';
import {
  buildTraceparent,
  isSpanId,
  isTraceId,
  newBootId,
  newSpanId,
  newTraceId,
  parseTraceparent,
  traceparentEnv,
  traceparentFromEnv,
} from '../../src/telemetry/index.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

describe('ids', () => {
  it('makes lowercase hex trace and span ids of the W3C lengths, distinct each time', () => {
    const traces = new Set(Array.from({ length: 50 }, () => newTraceId()));
    const spans = new Set(Array.from({ length: 50 }, () => newSpanId()));
    expect(traces.size).toBe(50);
    expect(spans.size).toBe(50);
    for (const id of traces) expect(isTraceId(id)).toBe(true);
    for (const id of spans) expect(isSpanId(id)).toBe(true);
  });

  it('rejects all-zero, upper-case and wrong-length ids', () => {
    expect(isTraceId('0'.repeat(32))).toBe(false);
    expect(isTraceId(TRACE.toUpperCase())).toBe(false);
    expect(isTraceId(TRACE.slice(1))).toBe(false);
    expect(isSpanId('0'.repeat(16))).toBe(false);
    expect(isSpanId(`${SPAN}0`)).toBe(false);
  });

  it('makes boot ids that sort by time', () => {
    const earlier = newBootId(new Date('2025-01-31T12:05:01.123Z'));
    const later = newBootId(new Date('2025-01-31T12:05:02.001Z'));
    expect([later, earlier].sort()).toEqual([earlier, later]);
  });
});

describe('buildTraceparent', () => {
  it('writes version 00 with the sampled flag', () => {
    expect(buildTraceparent(TRACE, SPAN)).toBe(`00-${TRACE}-${SPAN}-01`);
    expect(buildTraceparent(TRACE, SPAN, false)).toBe(`00-${TRACE}-${SPAN}-00`);
  });

  it('refuses ids that would make an invalid header', () => {
    expect(() => buildTraceparent('0'.repeat(32), SPAN)).toThrow(/trace id/);
    expect(() => buildTraceparent(TRACE, 'XYZ')).toThrow(/span id/);
  });

  it('round-trips through parseTraceparent', () => {
    const traceId = newTraceId();
    const spanId = newSpanId();
    expect(parseTraceparent(buildTraceparent(traceId, spanId))).toEqual({ ok: true, traceId, spanId, sampled: true });
  });
});

describe('parseTraceparent', () => {
  const valid: Array<[string, string, boolean]> = [
    [`00-${TRACE}-${SPAN}-01`, 'sampled', true],
    [`00-${TRACE}-${SPAN}-00`, 'not sampled', false],
    [`00-${TRACE}-${SPAN}-09`, 'other flags with the sampled bit', true],
    [`01-${TRACE}-${SPAN}-01-future-part`, 'a future version with extra parts', true],
  ];
  it.each(valid)('accepts %s (%s)', (text, _why, sampled) => {
    const result = parseTraceparent(text);
    expect(result).toEqual({ ok: true, traceId: TRACE, spanId: SPAN, sampled });
  });

  const invalid: Array<[string, string, RegExp]> = [
    ['', 'empty', /empty/],
    ['garbage', 'not four parts', /4 parts/],
    [`ff-${TRACE}-${SPAN}-01`, 'version ff', /version ff/],
    [`0-${TRACE}-${SPAN}-01`, 'short version', /version/],
    [`00-${'0'.repeat(32)}-${SPAN}-01`, 'all-zero trace id', /trace id must not be all zero/],
    [`00-${TRACE}-${'0'.repeat(16)}-01`, 'all-zero parent id', /parent id must not be all zero/],
    [`00-${TRACE.toUpperCase()}-${SPAN}-01`, 'upper-case trace id', /trace id/],
    [`00-${TRACE}-${SPAN.toUpperCase()}-01`, 'upper-case parent id', /parent id/],
    [`00-${TRACE.slice(2)}-${SPAN}-01`, 'short trace id', /trace id/],
    [`00-${TRACE}-${SPAN}00-01`, 'long parent id', /parent id/],
    [`00-${TRACE}-${SPAN}-1`, 'short flags', /flags/],
    [`00-${TRACE}-${SPAN}-zz`, 'non-hex flags', /flags/],
    [`00-${TRACE}-${SPAN}-01-extra`, 'version 00 with a fifth part', /exactly 4 parts/],
  ];
  it.each(invalid)('rejects %j (%s) with a reason', (text, _why, reason) => {
    const result = parseTraceparent(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});

describe('the env carrier', () => {
  const saved = process.env.TRACEPARENT;
  afterEach(() => {
    if (saved === undefined) delete process.env.TRACEPARENT;
    else process.env.TRACEPARENT = saved;
  });

  it('writes TRACEPARENT into a child env map, not into process.env', () => {
    delete process.env.TRACEPARENT;
    expect(traceparentEnv(TRACE, SPAN)).toEqual({ TRACEPARENT: `00-${TRACE}-${SPAN}-01` });
    expect(process.env.TRACEPARENT).toBeUndefined();
  });

  it('reads TRACEPARENT from process.env and from a given record', () => {
    process.env.TRACEPARENT = `00-${TRACE}-${SPAN}-01`;
    expect(traceparentFromEnv()).toMatchObject({ traceId: TRACE, spanId: SPAN, isRemote: true });
    const other = newSpanId();
    expect(traceparentFromEnv({ TRACEPARENT: `00-${TRACE}-${other}-01` })).toMatchObject({ spanId: other });
  });

  it('yields nothing for a missing or invalid TRACEPARENT', () => {
    expect(traceparentFromEnv({})).toBeUndefined();
    expect(traceparentFromEnv({ TRACEPARENT: `00-${'0'.repeat(32)}-${SPAN}-01` })).toBeUndefined();
  });
});
