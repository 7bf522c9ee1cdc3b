/** `land trace`'s drawing counts terminal columns: wide characters (CJK, emoji) in names must not break its alignment. */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import stringWidth from 'string-width';
import { afterEach, describe, expect, it } from 'vitest';
import { renderTrace, traceJsonLines } from '../../src/telemetry/trace-view.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const traceId = 'a'.repeat(32);
/** Times count from here (a span from before 2000 is a sender's clock error, drawn with `?`). */
const T0 = Date.UTC(2026, 11, 7, 12);
const span = (name: string, spanId: string, at: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ name, traceId, spanId, tier: 'mountain', startMs: T0 + at, endMs: T0 + at + 100, durationMs: 100, status: 'ok', attributes: {}, ...extra });

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
    expect(short).toMatch(/… 100 more spans not drawn: land trace --all draws all/);
    expect(short).toMatch(/… 2 older traces not listed \(10 a tier\): land trace --all lists all$/m);
    expect(short).toMatch(/GET \/own\/11/);
    expect(short).not.toMatch(/GET \/own\/1\b/);

    const all = renderTrace(dir, { width: 120, all: true });
    expect(rows(all)).toHaveLength(300);
    expect(all).not.toMatch(/not drawn|not listed/);
    expect(all).toMatch(/GET \/own\/0\b/);
  });
});

describe('land trace at 80 columns, a running boot, a bad clock', () => {
  const write = (spans: string[]) => {
    const dir = mkdtempSync(join(tmpdir(), 'land-trace-view-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'spans.ndjson'), `${spans.join('\n')}\n`);
    return dir;
  };
  const root = 'b'.repeat(16);
  const start = 0;

  it('shows `unattributed` whole in the tier column and the hints whole at 80 columns', () => {
    const spans = [span('land.boot', root, start)];
    for (let i = 0; i < 205; i++) spans.push(span(`step ${i}`, (i + 1).toString(16).padStart(16, '0'), start + i, { parentSpanId: root }));
    for (let i = 0; i < 12; i++) spans.push(span(`GET /own/${i}`, (1000 + i).toString(16).padStart(16, '0'), start + 5000 + i, { traceId: (i + 1).toString(16).padStart(32, 'c'), tier: 'unattributed' }));
    const lines = renderTrace(write(spans), { width: 80 }).trimEnd().split('\n');
    for (const line of lines) expect(stringWidth(line), line).toBeLessThanOrEqual(80);
    expect(lines.filter((line) => line.startsWith('unattributed '))).toHaveLength(10);
    expect(lines).toContain('… 6 more spans not drawn: land trace --all draws all (--json lists them)');
    expect(lines).toContain('… 2 older traces not listed (10 a tier): land trace --all lists all');
  });

  it('draws the running boot as the root of its spawn spans, marked running, when the stack says it runs that boot', () => {
    const spawn = (tier: string, spanId: string, at: number) => span(`land.spawn ${tier}`, spanId, at, { parentSpanId: root, tier: 'mountain' });
    const dir = write([spawn('api', 'c'.repeat(16), start + 40), spawn('web', 'd'.repeat(16), start + 90)]);
    const running = { app: 'shop', profile: 'debug', bootId: 'boot-1', traceId, startedAt: T0 };
    const rows = renderTrace(dir, { width: 80, running }).split('\n').filter((line) => /\+\d/.test(line));
    expect(rows[0]).toMatch(/^land\.boot\s+mountain\s+\+0ms\s+\S+\s+running$/);
    expect(rows[1]).toMatch(/^├─ land\.spawn api\s+mountain\s+\+40ms\s/);
    expect(rows[2]).toMatch(/^└─ land\.spawn web\s+mountain\s+\+90ms\s/);
    // Another boot's stack (or none) draws no root it does not know.
    const rootless = renderTrace(dir, { width: 80, running: { ...running, traceId: 'f'.repeat(32) } });
    expect(rootless).not.toMatch(/land\.boot|running/);
  });

  it('draws a span whose clock is far off (startTimeUnixNano "1") with ?, says so, and keeps the others\' offsets', () => {
    const dir = write([
      span('land.boot', root, start),
      span('broken clock', 'c'.repeat(16), 0, { parentSpanId: root, startMs: 0, endMs: T0 + 10, durationMs: T0 + 10 }),
      span('fine', 'd'.repeat(16), start + 250, { parentSpanId: root }),
    ]);
    const text = renderTrace(dir, { width: 80 });
    expect(text).toContain('1 span with a time before 2000 or a year off the boot: drawn with ?');
    expect(text).toMatch(/broken clock\s+mountain\s+\?\s+\?\s+ok/);
    expect(text).toMatch(/fine\s+mountain\s+\+250ms\s+100ms\s+ok/);
    expect(text).not.toMatch(/\d{4,}m\d+s/);
  });

  it('draws spans whose parent links form a cycle, cut above the earliest, as the dashboard cuts them', () => {
    const [x, y, z] = ['1', '2', '3'].map((c) => c.repeat(16)) as [string, string, string];
    // x → z → y → x: none is a root, and each hangs below another.
    const dir = write([
      span('land.boot', root, start),
      span('cycle x', x, start + 10, { parentSpanId: z }),
      span('cycle y', y, start + 20, { parentSpanId: x }),
      span('cycle z', z, start + 30, { parentSpanId: y }),
    ]);
    const rows = renderTrace(dir, { width: 80 }).split('\n').filter((line) => /\+\d/.test(line));
    expect(rows).toHaveLength(4);
    expect(rows[1]).toMatch(/^cycle x\s/);
    expect(rows[2]).toMatch(/^└─ cycle y\s/);
    expect(rows[3]).toMatch(/^   └─ cycle z\s/);
  });

  it('draws the spawn spans of a boot whose land died without land.boot under a root marked cut short; --json lists it', () => {
    const spawn = (tier: string, spanId: string, at: number) => span(`land.spawn ${tier}`, spanId, at, { parentSpanId: root, service: 'shop-mountain' });
    const dir = write([spawn('api', 'c'.repeat(16), start + 40), spawn('web', 'd'.repeat(16), start + 90)]);
    // Boot ids start with their boot's time: the root starts there (5 ms before the first spawn).
    const bootId = `${new Date(T0 + 35).toISOString().replace(/[-:.]/g, '')}-abcdef`;
    const bootDir = join(dir, bootId);
    mkdirSync(bootDir);
    renameSync(join(dir, 'spans.ndjson'), join(bootDir, 'spans.ndjson'));
    const text = renderTrace(bootDir, { width: 80, ended: true });
    expect(text).toMatch(/ · 2 spans · /);
    const rows = text.split('\n').filter((line) => /\+\d/.test(line));
    expect(rows[0]).toMatch(/^land\.boot\s+mountain\s+\+0ms\s+155ms\s+cut short$/);
    expect(rows[1]).toMatch(/^├─ land\.spawn api\s+mountain\s+\+5ms\s/);
    expect(rows[2]).toMatch(/^└─ land\.spawn web\s+mountain\s+\+55ms\s/);
    for (const row of rows) expect(stringWidth(row), row).toBe(80);
    // A boot whose land may still run (ended not said) draws no root it does not know.
    expect(renderTrace(bootDir, { width: 80 })).not.toMatch(/land\.boot|cut short/);

    const json = traceJsonLines(bootDir, { ended: true }).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(json).toHaveLength(3);
    expect(json[0]).toMatchObject({ name: 'land.boot', spanId: root, parentSpanId: null, cutShort: true, status: 'error', service: 'shop-mountain', durationMs: 155 });
    expect(json[0]!.statusMessage).toMatch(/^cut short: land ended without a shutdown/);
    expect(traceJsonLines(bootDir, {})).not.toMatch(/land\.boot/);
  });

  it("lists the running boot's root in --json, marked running, as the tree draws it", () => {
    const dir = write([span('land.spawn api', 'c'.repeat(16), start + 40, { parentSpanId: root })]);
    const running = { app: 'shop', profile: 'debug', bootId: 'boot-1', traceId, startedAt: T0 };
    const json = traceJsonLines(dir, { running }).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(json.map((one) => [one.name, one.running ?? false])).toEqual([
      ['land.boot', true],
      ['land.spawn api', false],
    ]);
    expect(json[0]).toMatchObject({ spanId: root, service: 'shop-mountain', attributes: { 'land.profile': 'debug', 'land.boot_id': 'boot-1' } });
    // Asked for another trace: no root of the boot's.
    expect(traceJsonLines(dir, { running: { ...running, traceId: 'f'.repeat(32) } })).not.toMatch(/land\.boot/);
  });
});

describe('land trace, a secret in a span name', () => {
  it('masks it in place in the tree, the list of a tier\'s traces and --json, and leaves a name that only sounds secret', () => {
    const dir = mkdtempSync(join(tmpdir(), 'land-trace-view-'));
    dirs.push(dir);
    const root = 'b'.repeat(16);
    const other = (name: string, id: string, at: number) =>
      JSON.stringify({ name, traceId: id.repeat(32), spanId: id.repeat(16), tier: 'api', startMs: T0 + at, endMs: T0 + at + 5, durationMs: 5, status: 'ok', attributes: {} });
    const spans = [
      span('land.boot', root, 1000),
      span('GET /reset?token=TREESECRET1', 'c'.repeat(16), 1010, { parentSpanId: root, tier: 'api' }),
      other('POST /login?password=LISTSECRET2', 'd', 1020),
      other('POST /auth/token', 'e', 1030),
    ];
    writeFileSync(join(dir, 'spans.ndjson'), `${spans.join('\n')}\n`);
    writeFileSync(join(dir, 'events.ndjson'), '');
    const text = renderTrace(dir, { width: 160, all: true });
    expect(text).not.toMatch(/TREESECRET1|LISTSECRET2/);
    expect(text).toContain('GET /reset?token=***');
    expect(text).toContain('POST /login?password=***');
    expect(text).toContain('POST /auth/token');
    const json = traceJsonLines(dir);
    expect(json).not.toMatch(/TREESECRET1|LISTSECRET2/);
    expect(json).toContain('"name":"GET /reset?token=***"');
  });
});

describe('land trace --json, every span whole', () => {
  it("lists a land.exit span its own (the tree folds it into its spawn row), and a child's events, resource and scope, masked", () => {
    const dir = mkdtempSync(join(tmpdir(), 'land-trace-view-'));
    dirs.push(dir);
    const root = 'b'.repeat(16);
    const spawn = 'c'.repeat(16);
    const exit = 'd'.repeat(16);
    const child = 'e'.repeat(16);
    const spans = [
      span('land.boot', root, 1000, { service: 'shop-mountain' }),
      span('land.spawn api', spawn, 1010, { parentSpanId: root, service: 'shop-mountain', attributes: { 'land.tier': 'api' } }),
      span('land.exit api', exit, 3000, { parentSpanId: spawn, service: 'shop-mountain', status: 'error', statusMessage: 'exited with code 3', attributes: { 'land.tier': 'api', 'land.exit_code': 3 } }),
    ];
    writeFileSync(join(dir, 'spans.ndjson'), `${spans.join('\n')}\n`);
    writeFileSync(join(dir, 'events.ndjson'), '');
    // The child's span as the receiver's store keeps it (receiver/spans.records).
    mkdirSync(join(dir, 'receiver'));
    const stored = JSON.parse(span('GET /orders', child, 1500, { parentSpanId: spawn, tier: 'api', service: 'shop-api', kind: 'server', scope: 'orders-lib' })) as Record<string, unknown>;
    stored.events = [
      { name: 'exception', timeMs: T0 + 1550, attributes: { 'exception.type': 'Error', 'exception.message': 'boom', 'auth.token': 'EVENTSECRET1' } },
    ];
    stored.resource = { 'service.name': 'shop-api', 'telemetry.sdk.language': 'python', api_key: 'RESOURCESECRET2' };
    writeFileSync(join(dir, 'receiver', 'spans.records'), `${JSON.stringify(stored)}\n`);

    const json = traceJsonLines(dir).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(json.map((s) => s.name)).toEqual(['land.boot', 'land.spawn api', 'GET /orders', 'land.exit api']);
    // The crash is a span of its own, with its exit code; the spawn span carries it as the tree's row does.
    expect(json[1]).toMatchObject({ spanId: spawn, status: 'error', exitCode: 3 });
    expect(json[3]).toMatchObject({ spanId: exit, parentSpanId: spawn, status: 'error', exitCode: 3, statusMessage: 'exited with code 3' });
    expect(json[2]).toMatchObject({
      scope: 'orders-lib',
      kind: 'server',
      resource: { 'service.name': 'shop-api', 'telemetry.sdk.language': 'python' },
      events: [{ name: 'exception', time: new Date(T0 + 1550).toISOString(), attributes: { 'exception.type': 'Error', 'exception.message': 'boom' } }],
    });
    const text = JSON.stringify(json);
    expect(text).not.toMatch(/EVENTSECRET1|RESOURCESECRET2/);
    expect((json[2]!.resource as Record<string, unknown>).api_key).toMatch(/masked/);
    // The tree still folds the exit into the spawn row.
    const tree = renderTrace(dir, { width: 120 });
    expect(tree).not.toMatch(/land\.exit/);
    expect(tree).toMatch(/land\.spawn api.*exit 3/);
  });
});

describe('land trace, a very deep and very large trace', () => {
  it('draws, sorts and lists a chain of 150 000 spans, each the child of the last, with no call stack to spend', () => {
    const dir = mkdtempSync(join(tmpdir(), 'land-trace-view-'));
    dirs.push(dir);
    const count = 150_000;
    const id = (i: number) => (i + 1).toString(16).padStart(16, '0');
    // No land.boot: the offsets count from the earliest start, found among every span (once a RangeError).
    const lines: string[] = [];
    for (let i = 0; i < count; i++) lines.push(span(`deep ${i}`, id(i), 10 + i, i > 0 ? { parentSpanId: id(i - 1), tier: 'api' } : { tier: 'api' }));
    writeFileSync(join(dir, 'spans.ndjson'), `${lines.join('\n')}\n`);

    const rows = (text: string) => text.split('\n').filter((line) => /\s\+\d/.test(line));
    const all = rows(renderTrace(dir, { width: 80, all: true }));
    expect(all).toHaveLength(count);
    expect(all[0]).toMatch(/^deep 0\s+api\s+\+0ms\s/);
    expect(all[1]).toMatch(/^└─ deep 1\s/);
    // Deep rows say their depth instead of drawing every level: the name stays in its column.
    expect(all.at(-1)).toMatch(/^…149999 └─ deep 149999\s+api\s+\+2m30s\s/);
    for (const row of [all[1000]!, all.at(-1)!]) expect(stringWidth(row), row).toBeLessThanOrEqual(80);

    const short = renderTrace(dir, { width: 80 });
    expect(rows(short)).toHaveLength(200);
    expect(short).toContain(`… ${count - 200} more spans not drawn`);

    const json = traceJsonLines(dir, { ended: true }).trim().split('\n');
    expect(json).toHaveLength(count);
    expect(JSON.parse(json.at(-1)!)).toMatchObject({ name: `deep ${count - 1}`, parentSpanId: id(count - 2) });
  }, 240_000);
});
