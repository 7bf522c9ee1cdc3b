/** `land trace`'s drawing counts terminal columns: wide characters (CJK, emoji) in names must not break its alignment. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import stringWidth from 'string-width';
import { afterEach, describe, expect, it } from 'vitest';
import { renderTrace } from '../../src/telemetry/trace-view.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const traceId = 'a'.repeat(32);
const span = (name: string, spanId: string, startMs: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ name, traceId, spanId, tier: 'mountain', startMs, endMs: startMs + 100, durationMs: 100, status: 'ok', attributes: {}, ...extra });

describe('land trace, wide characters', () => {
  it('cuts and pads span names, tiers and event lists by columns: every row as wide as the terminal, columns aligned', () => {
    const dir = mkdtempSync(join(tmpdir(), 'land-trace-view-'));
    dirs.push(dir);
    const root = 'b'.repeat(16);
    const spans = [
      span('land.boot', root, 1000),
      span('データベース接続の初期化とマイグレーションの実行と確認', 'c'.repeat(16), 1010, { parentSpanId: root, tier: 'api' }),
      span('🚀 launch 🚀', 'd'.repeat(16), 1020, { parentSpanId: root, tier: '数据库' }),
      span('plain ascii name', 'e'.repeat(16), 1030, { parentSpanId: root, tier: 'web' }),
    ];
    writeFileSync(join(dir, 'spans.ndjson'), `${spans.join('\n')}\n`);
    const events = ['起動', '起動', '設定の読み込みが完了しました、次はネットワークの準備と全ての依存関係の確認です'].map((what) =>
      JSON.stringify({ event: `land:api:${what}`, properties: { $tier: 'api' }, timestamp: '2026-01-01T00:00:00Z' }),
    );
    writeFileSync(join(dir, 'events.ndjson'), `${events.join('\n')}\n`);

    const lines = renderTrace(dir, { width: 80 }).trimEnd().split('\n');
    for (const line of lines) expect(stringWidth(line), line).toBeLessThanOrEqual(80);
    const rows = lines.filter((line) => /\+\d+ms/.test(line));
    expect(rows).toHaveLength(4);
    // The columns on the right (tier, start, took, status) end at the same column on every row.
    for (const row of rows) expect(stringWidth(row), row).toBe(stringWidth(rows[0]!));
    // A column of tiers starts at the same column too: what is left of it is the name, cut at its width.
    const tierColumn = (row: string) => stringWidth(row.slice(0, row.search(/ (mountain|api|数据库|web)\s/) + 1));
    for (const row of rows) expect(tierColumn(row), row).toBe(tierColumn(rows[0]!));
    expect(rows[1]).toMatch(/^├─ データベース.*…\s+api\s/);
    expect(rows[2]).toMatch(/^├─ 🚀 launch 🚀\s+数据库\s/);
    const eventRow = lines.find((line) => line.startsWith('api '));
    expect(eventRow).toMatch(/起動 ×2, 設定の.*…$/);
  });
});

describe('land trace, a long boot', () => {
  it('draws the first 200 spans and each tier its newest 10 traces, saying what it left and that --all shows it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'land-trace-view-'));
    dirs.push(dir);
    const root = 'b'.repeat(16);
    const spans = [span('land.boot', root, 1000)];
    for (let i = 0; i < 299; i++) spans.push(span(`step ${i}`, (i + 1).toString(16).padStart(16, '0'), 1001 + i, { parentSpanId: root, tier: 'api' }));
    // 12 traces the api tier started on its own, a span each.
    for (let i = 0; i < 12; i++) spans.push(span(`GET /own/${i}`, (1000 + i).toString(16).padStart(16, '0'), 5000 + i, { traceId: (i + 1).toString(16).padStart(32, 'c'), tier: 'api' }));
    writeFileSync(join(dir, 'spans.ndjson'), `${spans.join('\n')}\n`);

    const rows = (text: string) => text.split('\n').filter((line) => /\+\d/.test(line));
    const short = renderTrace(dir, { width: 120 });
    expect(rows(short)).toHaveLength(200);
    expect(short).toMatch(/… 100 more spans not drawn: land trace --all draws every one/);
    expect(short).toMatch(/… 2 older traces not listed \(at most 10 a tier\): land trace --all lists every one/);
    expect(short).toMatch(/GET \/own\/11/);
    expect(short).not.toMatch(/GET \/own\/1\b/);

    const all = renderTrace(dir, { width: 120, all: true });
    expect(rows(all)).toHaveLength(300);
    expect(all).not.toMatch(/not drawn|not listed/);
    expect(all).toMatch(/GET \/own\/0\b/);
  });
});
