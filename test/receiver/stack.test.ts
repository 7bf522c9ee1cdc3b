/**
 * A real `land up` whose children know nothing of land: one uses the official OpenTelemetry SDK with the protobuf
 * exporters, one the JSON exporters, one posts OTLP/JSON with curl, and one crashes with code 3 after it was ready.
 * Their spans hang under their spawn spans in `land trace`, their log records show in `land logs`, their counts in
 * `land status --json`, and the crashes read `exit 3`.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, land, landDone, makeProject, removeProjects } from '../helpers/land.js';
import { requestText } from '../../src/control/client.js';
import { socketPath } from '../../src/control/paths.js';

const SDK_CHILD = join(ROOT, 'test', 'fixtures', 'otel-sdk-child.mjs');
const CURL_CHILD = join(ROOT, 'test', 'fixtures', 'otlp-curl-child.sh');
const METRICS_CHILD = join(ROOT, 'test', 'fixtures', 'otel-metrics-child.mjs');

afterEach(removeProjects);

interface SpanLine {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  tier: string;
  service: string;
  startTime: string;
  endTime: string;
  durationMs: number;
  status: string;
  exitCode?: number;
  attributes: Record<string, unknown>;
}

function project() {
  return makeProject({
    config: {
      app: 'shop',
      tiers: {
        proto: { command: ['node', SDK_CHILD], ready: { log: 'exported' } },
        json: { command: ['node', SDK_CHILD, '--json'], ready: { log: 'exported' } },
        curl: { command: ['bash', CURL_CHILD], dependsOn: { proto: 'ready' } },
        meter: { command: ['node', METRICS_CHILD], ready: { log: 'counting' } },
        crasher: {
          command: ['node', '-e', 'setTimeout(() => process.exit(3), 400)'],
          restart: { policy: 'on-failure', maxRestarts: 3, backoff: { initialMs: 50, maxMs: 50 } },
        },
      },
    },
  });
}

describe('the receiver in a running stack', () => {
  it("children's spans under their spawn spans, their logs in land logs, counts in status, exit codes on crashes", async () => {
    const dir = project();
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/crasher: .*→ failed/, 40_000);
    await run.waitFor(/curl: .*→ exited/, 20_000);

    // While the boot runs its root span is not recorded: land trace draws it from the stack, marked running.
    const live = await landDone(['trace'], dir);
    expect(live.stdout).toMatch(/^land\.boot\s+mountain\s+\+0ms\s+\S+\s+running$/m);
    expect(live.stdout).toMatch(/^[├└]─ land\.spawn proto\s/m);

    // Log records among the output lines, marked, with severity and trace id.
    const protoLogs = await landDone(['logs', 'proto'], dir);
    expect(protoLogs.code).toBe(0);
    expect(protoLogs.stdout).toMatch(/sdk child proto exported/);
    expect(protoLogs.stdout).toMatch(/\[otlp WARN\] sdk child warns · trace [0-9a-f]{32} span [0-9a-f]{16}/);
    const curlLogs = await landDone(['logs', 'curl', '--json'], dir);
    const records = curlLogs.stdout.trim().split('\n').map((line) => JSON.parse(line) as { stream: string; record?: Record<string, unknown> });
    const curlRecord = records.find((line) => line.stream === 'otlp');
    expect(curlRecord?.record).toMatchObject({ tier: 'curl', service: 'shop-curl', severityText: 'ERROR', severityNumber: 17, body: 'curl child reports' });
    expect(records.some((line) => line.stream === 'stdout')).toBe(true);

    const status = JSON.parse((await landDone(['status', '--json'], dir)).stdout) as { receiver: { state: string; endpoint: string; tiers: Record<string, Record<string, number>> } };
    expect(status.receiver.state).toBe('on');
    expect(status.receiver.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(status.receiver.tiers.proto).toMatchObject({ spans: 4, logRecords: 1, dropped: 0 });
    expect(status.receiver.tiers.json).toMatchObject({ spans: 4, logRecords: 1 });
    expect(status.receiver.tiers.curl).toMatchObject({ spans: 1, logRecords: 1 });

    const table = await landDone(['status'], dir);
    expect(table.stdout).toMatch(/receiver on http:\/\/127\.0\.0\.1:\d+ · \d+ spans, 3 log records/);
    // Each tier's counts under it; `land status <tier>` counts that tier's only.
    expect(table.stdout).toMatch(/^ {2}proto\s+4 spans\s+1 record\s+0 points$/m);
    expect(table.stdout).toMatch(/^ {2}curl\s+1 span\s+1 record\s+0 points$/m);
    const one = await landDone(['status', 'proto'], dir);
    expect(one.stdout).toMatch(/receiver on http:\/\/127\.0\.0\.1:\d+ · 4 spans, 1 log record, 0 metric points/);
    expect(one.stdout).not.toMatch(/^ {2}(json|curl|mountain)\s/m);
    const metrics = await requestText(socketPath(dir), '/metrics');
    expect(metrics).toMatch(/land_receiver_items_total\{tier="proto",signal="spans"\} 4/);
    expect(metrics).toMatch(/land_receiver_items_total\{tier="curl",signal="log_records"\} 1/);
    expect(metrics).toMatch(/land_receiver_up 1/);

    // A child that never flushes: land's short export interval brings its point in seconds, not the SDK's 60 s.
    const deadline = Date.now() + 30_000;
    let points = 0;
    while (points === 0 && Date.now() < deadline) {
      const counts = (JSON.parse((await landDone(['status', '--json'], dir)).stdout) as { receiver: { tiers: Record<string, { metricPoints: number }> } }).receiver.tiers;
      points = counts.meter?.metricPoints ?? 0;
      if (points === 0) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(points).toBeGreaterThan(0);

    expect((await run.stop()).code).toBe(0);

    const lines = (await landDone(['trace', '--json'], dir)).stdout.trim().split('\n').map((line) => JSON.parse(line) as SpanLine);
    const boot = lines.find((span) => span.name === 'land.boot')!;
    expect(boot).toBeDefined();
    const spawnOf = (tier: string) => lines.filter((span) => span.name === `land.spawn ${tier}`);
    for (const tier of ['proto', 'json']) {
      const work = lines.find((span) => span.name === 'sdk.work' && span.tier === tier)!;
      expect(work, tier).toMatchObject({ traceId: boot.traceId, parentSpanId: spawnOf(tier)[0]!.spanId, service: `shop-${tier}`, status: 'ok' });
      expect(new Date(work.startTime).toISOString()).toBe(work.startTime);
      const step = lines.find((span) => span.name === 'sdk.step' && span.tier === tier)!;
      expect(step).toMatchObject({ parentSpanId: work.spanId, status: 'error' });
      const own = lines.find((span) => span.name === 'GET /orders' && span.tier === tier)!;
      expect(own.traceId).not.toBe(boot.traceId);
    }
    const curl = lines.find((span) => span.name === 'curl.post')!;
    expect(curl).toMatchObject({ tier: 'curl', traceId: boot.traceId, parentSpanId: spawnOf('curl')[0]!.spanId, status: 'ok' });
    // Four starts of the crasher, each ready then dead with code 3.
    expect(spawnOf('crasher').map((span) => [span.status, span.exitCode])).toEqual(Array(4).fill(['error', 3]));

    const tree = await landDone(['trace'], dir, { COLUMNS: '100' });
    expect(tree.code).toBe(0);
    expect(tree.stdout).toMatch(/land\.spawn crasher .* exit 3/);
    expect(tree.stdout).toMatch(/├─ land\.spawn proto[\s\S]*│  └─ sdk\.work[\s\S]*│     └─ sdk\.step .* error/);
    expect(tree.stdout).toMatch(/traces tiers started on their own/);
    expect(tree.stdout).toMatch(/json\s+[0-9a-f]{12}\s+2 spans .*GET \/orders/);

    const own = lines.find((span) => span.name === 'GET /orders' && span.tier === 'proto')!;
    const drawn = await landDone(['trace', '--trace', own.traceId.slice(0, 12)], dir);
    expect(drawn.stdout).toMatch(new RegExp(`trace ${own.traceId} · 2 spans`));
    expect(drawn.stdout).toMatch(/GET \/orders[\s\S]*└─ db\.query/);

    const onlyCurl = (await landDone(['trace', '--json', '--tier', 'curl'], dir)).stdout.trim().split('\n').map((line) => JSON.parse(line) as SpanLine);
    expect(new Set(onlyCurl.map((span) => span.tier))).toEqual(new Set(['curl']));
    expect(onlyCurl.map((span) => span.name).sort()).toEqual(['curl.post', 'land.spawn curl']);
  });
});
