/**
 * The boot's root on a page whose stack has stopped (src/dashboard/client/stopped-root.ts): ended when the stack
 * shut down, cut short (as `land trace` draws it) when land went without a shutdown; untouched while it runs.
 */
import { describe, expect, it } from 'vitest';
import { rootAfterStop } from '../../src/dashboard/client/stopped-root.js';
import type { SpanView } from '../../src/dashboard/wire.js';
import { CUT_SHORT_MESSAGE } from '../../src/telemetry/running-boot.js';

const T0 = Date.UTC(2026, 11, 7, 12);
const view = (name: string, spanId: string, extra: Partial<SpanView> = {}): SpanView => ({
  traceId: 'a'.repeat(32),
  spanId,
  name,
  tier: 'mountain',
  service: 'shop-mountain',
  startMs: T0,
  endMs: T0 + 500,
  durationMs: 500,
  status: 'unset',
  attributes: {},
  ...extra,
});

describe("the boot's root once the stack has stopped", () => {
  const root = view('land.boot', 'b'.repeat(16), { running: true });
  const spawn = view('land.spawn api', 'c'.repeat(16), { parentSpanId: root.spanId, startMs: T0 + 40, endMs: T0 + 500, durationMs: 460, status: 'ok' });
  const spans = [root, spawn];

  it('is left running while the stack runs', () => {
    expect(rootAfterStop(spans, undefined, false)).toBe(spans);
  });

  it('is cut short when land went without a shutdown: an error, with land trace\'s words, ending at the last span known', () => {
    const [drawn, child] = rootAfterStop(spans, { at: T0 + 60_000 }, false);
    expect(drawn).toMatchObject({ name: 'land.boot', status: 'error', statusMessage: CUT_SHORT_MESSAGE, cutShort: true, endMs: T0 + 500 });
    expect(drawn!.running).toBeUndefined();
    expect(child).toBe(spawn);
  });

  it('ends where the page saw the stack stop when it shut down (land.boot was recorded; the page could not read it)', () => {
    const [drawn] = rootAfterStop(spans, { at: T0 + 60_000 }, true);
    expect(drawn).toMatchObject({ name: 'land.boot', status: 'unset', endMs: T0 + 60_000, durationMs: 60_000 });
    expect(drawn!.running).toBeUndefined();
    expect(drawn!.cutShort).toBeUndefined();
  });
});
