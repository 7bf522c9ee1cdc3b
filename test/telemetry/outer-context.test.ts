/** The trace context land was started under: TRACEPARENT, TRACESTATE and BAGGAGE, each checked and carried on. */
import { ROOT_CONTEXT, propagation, trace } from '@opentelemetry/api';
import { W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { describe, expect, it } from 'vitest';
import { baggageAttributes, explainBaggage, explainTraceState, readOuterContext, traceContextEnv } from '../../src/telemetry/outer-context.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = `00-${TRACE}-00f067aa0ba902b7-01`;
const fromRecord = (env: Record<string, string>) => ({ get: (_: unknown, key: string) => env[key.toUpperCase()], keys: () => Object.keys(env) });

describe('trace context from outside', () => {
  it('accepts W3C tracestate and baggage, and rejects what the grammars do not allow, naming the member', () => {
    expect(explainTraceState('congo=t61rcWkgMzE,rojo=00f067aa0ba902b7')).toBeUndefined();
    expect(explainTraceState('tenant@vendor=x, a=b')).toBeUndefined();
    expect(explainTraceState('Upper=1')).toMatch(/list member 1 is not key=value/);
    expect(explainTraceState('a=1,a=2')).toMatch(/list member 2 repeats the key "a"/);
    expect(explainTraceState(Array.from({ length: 33 }, (_, i) => `k${i}=v`).join(','))).toMatch(/more than 32 list members/);
    expect(explainBaggage('userId=alice,serverNode=DF%2028;meta')).toBeUndefined();
    expect(explainBaggage('a=1,b')).toMatch(/list member 2 is not key=value/);
    expect(explainBaggage('bad key=1')).toMatch(/list member 1 has a key that is not a token/);
    expect(explainBaggage('k=%E0%A4%A')).toMatch(/not valid percent-encoding/);
    expect(explainBaggage('k=secret value')).not.toContain('secret');
  });

  it('keeps what is valid and drops each bad variable with its own line', () => {
    const good = readOuterContext({ TRACEPARENT: PARENT, TRACESTATE: 'rojo=1', BAGGAGE: 'team=core' });
    expect(good.warnings).toEqual([]);
    expect(good.parent).toMatchObject({ traceId: TRACE, spanId: '00f067aa0ba902b7' });
    expect(good.parent?.traceState?.get('rojo')).toBe('1');
    expect(baggageAttributes(good.baggage)).toEqual({ team: 'core' });

    const bad = readOuterContext({ TRACEPARENT: PARENT, TRACESTATE: 'ROJO=1', BAGGAGE: 'no-equals' });
    expect(bad.parent).toMatchObject({ traceId: TRACE });
    expect(bad.parent?.traceState).toBeUndefined();
    expect(bad.baggage).toBeUndefined();
    expect(bad.warnings).toEqual([
      expect.stringMatching(/^ignoring TRACESTATE from the environment: list member 1/),
      expect.stringMatching(/^ignoring BAGGAGE from the environment: list member 1 is not key=value/),
    ]);
    const noParent = readOuterContext({ TRACESTATE: 'rojo=1', BAGGAGE: 'a=1' });
    expect(noParent.parent).toBeUndefined();
    expect(noParent.warnings).toEqual([expect.stringMatching(/no valid one/)]);
    // Baggage is its own W3C header: it goes on without a trace context.
    expect(baggageAttributes(noParent.baggage)).toEqual({ a: '1' });
    expect(readOuterContext({}).warnings).toEqual([]);
  });

  it("writes a child's TRACEPARENT, TRACESTATE and BAGGAGE that OpenTelemetry's propagators read back", () => {
    const outer = readOuterContext({ TRACEPARENT: PARENT, TRACESTATE: 'rojo=1,congo=2', BAGGAGE: 'team=core,deploy=d%201' });
    const env = traceContextEnv(TRACE, '1111111111111111', outer);
    expect(Object.keys(env).sort()).toEqual(['BAGGAGE', 'TRACEPARENT', 'TRACESTATE']);
    const context = new W3CTraceContextPropagator().extract(ROOT_CONTEXT, undefined, fromRecord(env));
    expect(trace.getSpanContext(context)).toMatchObject({ traceId: TRACE, spanId: '1111111111111111' });
    expect(trace.getSpanContext(context)?.traceState?.serialize()).toBe('rojo=1,congo=2');
    const baggage = propagation.getBaggage(new W3CBaggagePropagator().extract(ROOT_CONTEXT, undefined, fromRecord(env)));
    expect(baggage?.getEntry('deploy')?.value).toBe('d 1');
    expect(traceContextEnv(TRACE, '1111111111111111')).toEqual({ TRACEPARENT: `00-${TRACE}-1111111111111111-01` });
  });
});
