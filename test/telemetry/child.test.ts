/**
 * Real child processes joining the boot's telemetry: one using land's library from the build, one using only the
 * official OpenTelemetry SDK with the env carrier. Each process ends on its own: nothing the library started may
 * keep it alive, whatever the hosts do.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newSpanId, newTraceId } from '../../src/telemetry/index.js';
import { startOtlpReceiver, startPostHogReceiver, type OtlpReceiver, type PostHogReceiver, type ReceiverMode } from '../helpers/receivers.js';
import { FIXTURES, REPO } from './build.js';

const KEY = 'phc_child_secret_27182818';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run a fixture with exactly `env` (plus PATH/HOME) and wait for it to exit by itself. */
function runFixture(file: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(FIXTURES, file)],
      { cwd: REPO, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, timeout: 45_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((fn) => fn()));
});

async function receivers(mode: ReceiverMode = 'ok'): Promise<{ posthog: PostHogReceiver; otlp: OtlpReceiver }> {
  const posthog = await startPostHogReceiver({ mode });
  const otlp = await startOtlpReceiver({ mode });
  cleanup.push(() => posthog.close(), () => otlp.close());
  return { posthog, otlp };
}

/**
 * Hosts that answer get the flush's whole time: shutdown returns once both pipes have delivered, and under load
 * loading posthog-node alone took over 2 s (the default bound), which ended a run with no event sent.
 */
function telemetryEnv(posthog: PostHogReceiver, otlp: OtlpReceiver): Record<string, string> {
  return { Authorize: KEY, Capture: 'true', Report: 'true', OTLPEnabled: 'true', Beam: posthog.url, OTLPEndpoint: otlp.url, LAND_TEST_SHUTDOWN_MS: '30000' };
}

describe('a sidecar using land/telemetry', () => {
  it('joins the trace in TRACEPARENT: its root spans are children of the given span id', async () => {
    const { posthog, otlp } = await receivers();
    const traceId = newTraceId();
    const spawnSpanId = newSpanId();
    const run = await runFixture('sidecar.mjs', {
      ...telemetryEnv(posthog, otlp),
      LAND_TEST_TIER: 'air',
      TRACEPARENT: `00-${traceId}-${spawnSpanId}-01`,
      OTLP_TRACE_ID: traceId,
      LAND_SUPERVISED: '1',
      LAND_BOOT_ID: 'child-boot',
      OTEL_SERVICE_NAME: 'demo-air',
      OTEL_RESOURCE_ATTRIBUTES: 'land.tier=air,land.profile=debug,land.boot_id=child-boot',
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).traceId).toBe(traceId);

    const spans = otlp.spans;
    const work = spans.find((s) => s.name === 'air.work');
    const inner = spans.find((s) => s.name === 'air.inner');
    expect(work).toMatchObject({ traceId, parentSpanId: spawnSpanId });
    expect(inner).toMatchObject({ traceId, parentSpanId: work?.spanId });
    expect(work?.resource).toMatchObject({ 'service.name': 'demo-air', 'land.tier': 'air', 'land.profile': 'debug', 'land.boot_id': 'child-boot' });

    // Supervised: mountain already sent this child's session:start.
    const names = posthog.events.map((e) => e.event);
    expect(names).toEqual(['land:air:work', 'land:air:error']);
    for (const event of posthog.events) {
      expect(event.properties).toMatchObject({ $tier: 'air', $trace_id: traceId, $lib: 'land', $app: 'demo', $component: 'demo-air' });
    }
    expect(posthog.events[1]?.properties).toMatchObject({ error_tag: 'test-failure', error_message: 'expected failure second line' });
    expect(`${run.stdout}${run.stderr}`).not.toContain(KEY);
  });

  it('alone, sends its own session:start and uses OTLP_TRACE_ID for its roots', async () => {
    const { posthog, otlp } = await receivers();
    const traceId = newTraceId();
    const run = await runFixture('sidecar.mjs', { ...telemetryEnv(posthog, otlp), LAND_TEST_TIER: 'grove', OTLP_TRACE_ID: traceId });
    expect(run.code, run.stderr).toBe(0);
    expect(posthog.events.map((e) => e.event)).toEqual(['land:grove:session:start', 'land:grove:work', 'land:grove:error']);
    expect(posthog.events[0]?.properties).toMatchObject({ $tier: 'grove', os: process.platform, arch: process.arch, $trace_id: traceId });
    expect(typeof posthog.events[0]?.properties.pid).toBe('number');
    expect(otlp.spans.find((s) => s.name === 'grove.work')).toMatchObject({ traceId, parentSpanId: '' });
  });

  for (const mode of ['hang', 'refuse', '500'] as const) {
    it(`ends on its own with hosts that ${mode}, reporting the pipes unavailable`, async () => {
      const { posthog, otlp } = await receivers(mode);
      // Shutdown's time covers loading the pipes too: under load posthog-node took over 2 s to load once (CI), and a
      // pipe that never loaded has met no host to fail on, so it is not unavailable.
      const run = await runFixture('sidecar.mjs', { ...telemetryEnv(posthog, otlp), LAND_TEST_TIER: 'rest', LAND_TEST_SHUTDOWN_MS: '10000' });
      expect(run.code, run.stderr).toBe(0);
      const { status } = JSON.parse(run.stdout) as { status: Record<string, { state: string; dropped: number; sent: number }> };
      expect(status.posthog).toMatchObject({ state: 'unavailable', sent: 0, dropped: 3 });
      expect(status.otlp).toMatchObject({ state: 'unavailable', sent: 0, dropped: 2 });
      expect(run.stderr).toBe('');
      expect(`${run.stdout}${run.stderr}`).not.toContain(KEY);
    });
  }

  it('writes its recording even when it ends without shutdown', async () => {
    const root = mkdtempSync(join(tmpdir(), 'land-child-record-'));
    cleanup.push(() => rmSync(root, { recursive: true, force: true }));
    const run = await runFixture('sidecar.mjs', {
      LAND_TEST_TIER: 'cocoon',
      LAND_TEST_NO_SHUTDOWN: '1',
      Record: '1',
      Authorize: KEY,
      LAND_TELEMETRY_DIR: root,
      LAND_BOOT_ID: 'boot-x',
    });
    expect(run.code, run.stderr).toBe(0);
    const events = readFileSync(join(root, 'boot-x', 'events.ndjson'), 'utf8').trim().split('\n');
    const spans = readFileSync(join(root, 'boot-x', 'spans.ndjson'), 'utf8').trim().split('\n');
    expect(events.map((line) => JSON.parse(line).event)).toEqual(['land:cocoon:session:start', 'land:cocoon:work', 'land:cocoon:error']);
    expect(spans.map((line) => JSON.parse(line).name).sort()).toEqual(['cocoon.inner', 'cocoon.work']);
    expect(events.join('\n') + spans.join('\n')).not.toContain(KEY);
  });

  it('does nothing in a release build', async () => {
    const { posthog, otlp } = await receivers();
    const root = mkdtempSync(join(tmpdir(), 'land-child-release-'));
    cleanup.push(() => rmSync(root, { recursive: true, force: true }));
    const run = await runFixture('sidecar.mjs', {
      ...telemetryEnv(posthog, otlp),
      LAND_BUILD_MODE: 'release',
      Record: '1',
      LAND_TELEMETRY_DIR: root,
      LAND_TEST_TIER: 'air',
    });
    expect(run.code, run.stderr).toBe(0);
    expect(posthog.requests).toHaveLength(0);
    expect(otlp.requests).toHaveLength(0);
    expect(JSON.parse(run.stdout).status.posthog.state).toBe('off');
    expect(readdirSync(root)).toEqual([]);
  });
});

describe('a child using only the official OpenTelemetry SDK', () => {
  it('joins the boot trace through TRACEPARENT and the env carrier', async () => {
    const { otlp } = await receivers();
    const traceId = newTraceId();
    const spawnSpanId = newSpanId();
    const run = await runFixture('otel-sdk-child.mjs', {
      TRACEPARENT: `00-${traceId}-${spawnSpanId}-01`,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_SERVICE_NAME: 'land-wind',
      OTEL_RESOURCE_ATTRIBUTES: 'land.tier=wind,land.profile=debug,land.boot_id=b1',
    });
    expect(run.code, run.stderr).toBe(0);
    const [span] = await otlp.waitForSpans(1);
    expect(span).toMatchObject({ name: 'plain.work', traceId, parentSpanId: spawnSpanId });
    expect(span?.resource).toMatchObject({ 'service.name': 'land-wind', 'land.tier': 'wind', 'land.boot_id': 'b1' });
  });
});
