/** Record=1: the local NDJSON recording, and `land trace` drawing it. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  findLatestBoot,
  newTraceId,
  recordingDir,
  renderTrace,
  TelemetryClient,
  type RecordedEvent,
  type RecordedSpan,
} from '../../src/telemetry/index.js';
import { startPostHogReceiver } from '../helpers/receivers.js';

const KEY = 'phc_recorder_secret_9a8b7c';
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'land-recorder-'));
  dirs.push(dir);
  return dir;
}

function ndjson<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as T);
}

describe('the recording', () => {
  it('writes every event and span as NDJSON under <LAND_TELEMETRY_DIR>/<boot id>, and land trace draws it', async () => {
    const root = tempDir();
    // PostHog on (against a refused port) so the key is in play: it must reach neither the files nor the drawing.
    const refused = await startPostHogReceiver({ mode: 'refuse' });
    const telemetry = new TelemetryClient({
      tier: 'mountain',
      app: 'land',
      version: '1.2.3',
      traceId: newTraceId(),
      bootId: '20250101T000000Z-aaaaaa',
      env: { Record: '1', LAND_TELEMETRY_DIR: root, Capture: '1', Report: '1', Authorize: KEY, Beam: refused.url },
    });
    const dir = join(root, '20250101T000000Z-aaaaaa');
    expect(recordingDir('20250101T000000Z-aaaaaa', { LAND_TELEMETRY_DIR: root })).toBe(dir);

    telemetry.captureSession({ profile: 'debug' });
    telemetry.captureEvent('land:air:session:start', { pid: 42 }, { tier: 'air' });
    telemetry.captureError('crash', new Error('boom'), { tier: 'air' });
    const boot = telemetry.startSpan('land.boot', { 'land.profile': 'debug' });
    const spawn = telemetry.startSpan('land.spawn air', { 'land.tier': 'air' }, boot);
    spawn.setStatus({ code: 2, message: 'exited 1' });
    spawn.end();
    telemetry.startSpan(`land.spawn ${'very-long-tier-name-'.repeat(10)}`, { 'land.tier': 'cocoon' }, boot).end();
    boot.end();
    await telemetry.shutdown();
    await refused.close();

    const events = ndjson<RecordedEvent>(join(dir, 'events.ndjson'));
    expect(events.map((e) => e.event)).toEqual(['land:mountain:session:start', 'land:air:session:start', 'land:air:error']);
    expect(events[1]?.properties).toMatchObject({ $tier: 'air', $trace_id: telemetry.traceId, pid: 42, $lib: 'land' });
    expect(typeof events[0]?.timestamp).toBe('string');

    const spans = ndjson<RecordedSpan>(join(dir, 'spans.ndjson'));
    expect(spans).toHaveLength(3);
    const bootLine = spans.find((s) => s.name === 'land.boot');
    const spawnLine = spans.find((s) => s.name === 'land.spawn air');
    expect(bootLine).toMatchObject({ traceId: telemetry.traceId, tier: 'mountain', service: 'land-mountain', status: 'unset' });
    expect(spawnLine).toMatchObject({ parentSpanId: bootLine?.spanId, tier: 'air', status: 'error', statusMessage: 'exited 1' });
    expect(spawnLine!.endMs).toBeGreaterThanOrEqual(spawnLine!.startMs);
    expect(telemetry.status().record).toMatchObject({ state: 'on', sent: 6, dropped: 0 });

    const drawing = renderTrace(dir, { width: 80 });
    const lines = drawing.trimEnd().split('\n');
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(drawing).toContain('20250101T000000Z-aaaaaa');
    expect(drawing).toContain(telemetry.traceId);
    expect(lines.find((l) => l.startsWith('land.boot'))).toMatch(/mountain\s+\+0ms/);
    expect(lines.find((l) => l.includes('land.spawn air'))).toMatch(/^├─ land\.spawn air\s+air\s+\+\d+ms\s+\d+ms\s+error$/);
    expect(lines.find((l) => l.includes('very-long'))).toMatch(/^└─ land\.spawn very-long.*…/);
    expect(drawing).toMatch(/mountain\s+1\s+session:start/);
    expect(drawing).toMatch(/air\s+2\s+session:start, error/);

    const everything = [readFileSync(join(dir, 'events.ndjson'), 'utf8'), readFileSync(join(dir, 'spans.ndjson'), 'utf8'), drawing];
    for (const text of everything) expect(text).not.toContain(KEY);
    expect(renderTrace(dir, { color: true })).toContain('\u001b[31m');
  });

  it('marks the recording unavailable when it cannot write, and never throws', async () => {
    const root = tempDir();
    const blocker = join(root, 'not-a-directory');
    writeFileSync(blocker, 'a file where the telemetry folder should be');
    const telemetry = new TelemetryClient({
      tier: 'air',
      app: 'land',
      version: '1',
      traceId: newTraceId(),
      bootId: 'boot',
      env: { Record: '1', LAND_TELEMETRY_DIR: blocker },
    });
    expect(() => {
      for (let i = 0; i < 5; i += 1) telemetry.captureEvent('land:air:x', { i });
      telemetry.startSpan('air.x').end();
    }).not.toThrow();
    await expect(telemetry.shutdown()).resolves.toBeUndefined();
    const status = telemetry.status().record;
    expect(status.state).toBe('unavailable');
    expect(status.reason).toMatch(/cannot write/);
    expect(status.dropped).toBe(6);
    telemetry.captureEvent('land:air:after');
  });

  it('stays off without Record=1', async () => {
    const root = tempDir();
    const telemetry = new TelemetryClient({ tier: 'air', app: 'land', version: '1', traceId: newTraceId(), bootId: 'b', env: { LAND_TELEMETRY_DIR: root } });
    telemetry.captureEvent('land:air:x');
    await telemetry.shutdown();
    expect(telemetry.status().record).toMatchObject({ state: 'off', reason: 'Record is off' });
    expect(findLatestBoot(root)).toBeUndefined();
  });
});

describe('land trace helpers', () => {
  it('finds the latest boot by its time-sorted id', () => {
    const root = tempDir();
    for (const id of ['20250102T000000Z-bbbbbb', '20250103T000000Z-cccccc', '20250101T000000Z-aaaaaa']) mkdirSync(join(root, id));
    writeFileSync(join(root, '20990101T000000Z-file'), 'not a boot');
    expect(findLatestBoot(root)).toBe('20250103T000000Z-cccccc');
    expect(findLatestBoot(join(root, 'missing'))).toBeUndefined();
  });

  it('says so when a boot recorded nothing, and skips torn lines', () => {
    const root = tempDir();
    expect(renderTrace(root)).toMatch(/no telemetry recorded/);
    const AT = Date.UTC(2026, 11, 7); // a time land could have recorded (one before 2000 is drawn as `?`)
    const line = JSON.stringify({ name: 'land.boot', traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), tier: 'mountain', startMs: AT, endMs: AT + 500, durationMs: 500, status: 'ok', attributes: {} });
    writeFileSync(join(root, 'spans.ndjson'), `${line}\n{"name":"torn`);
    const drawing = renderTrace(root);
    expect(drawing).toMatch(/land\.boot\s+mountain\s+\+0ms\s+500ms\s+ok/);
    expect(drawing).toContain('1 span · 0 events');
  });
});
