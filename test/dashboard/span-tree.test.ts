/**
 * The waterfall's rows (client/span-tree.ts): depth-first, children under their parent by start, orphans as roots;
 * spans whose parent links form a cycle (a sender's data) are cut into a tree above the cycle's earliest span rather
 * than left out.
 */
import { describe, expect, it } from 'vitest';
import { flatten } from '../../src/dashboard/client/span-tree.js';
import type { SpanView } from '../../src/dashboard/wire.js';

const span = (spanId: string, startMs: number, parentSpanId?: string): SpanView =>
  ({ traceId: 't'.repeat(32), spanId, parentSpanId, name: spanId, tier: 'web', startMs, endMs: startMs + 5, durationMs: 5, status: 'ok', attributes: {} }) as unknown as SpanView;

const rows = (spans: SpanView[], collapsed: string[] = []) =>
  flatten(spans, new Set(collapsed)).map((node) => [node.span.spanId, node.depth, node.below, node.parent?.span.spanId]);

describe('the waterfall rows', () => {
  it('puts children under their parent by start, an orphan as a root', () => {
    expect(rows([span('b', 20, 'a'), span('a', 10), span('c', 15, 'a'), span('o', 5, 'gone')])).toEqual([
      ['o', 0, 0, undefined],
      ['a', 0, 2, undefined],
      ['c', 1, 0, 'a'],
      ['b', 1, 0, 'a'],
    ]);
  });

  it('shows two spans that name each other as parent: the earlier a root, the later under it', () => {
    expect(rows([span('b', 20, 'a'), span('a', 10, 'b')])).toEqual([
      ['a', 0, 1, undefined],
      ['b', 1, 0, 'a'],
    ]);
    expect(rows([span('b', 20, 'a'), span('a', 10, 'b')], ['a'])).toEqual([['a', 0, 1, undefined]]);
  });

  it('cuts a longer cycle above its earliest span, with what hangs below it, beside an ordinary tree', () => {
    const spans = [span('root', 0), span('kid', 1, 'root'), span('x', 30, 'z'), span('y', 10, 'x'), span('z', 20, 'y'), span('leaf', 5, 'x'), span('self', 40, 'self')];
    expect(rows(spans)).toEqual([
      ['root', 0, 1, undefined],
      ['kid', 1, 0, 'root'],
      ['y', 0, 3, undefined],
      ['z', 1, 2, 'y'],
      ['x', 2, 1, 'z'],
      ['leaf', 3, 0, 'x'],
      ['self', 0, 0, undefined],
    ]);
  });
});
