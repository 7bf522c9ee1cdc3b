/**
 * A real `land up` whose children export with the official OTLP/gRPC exporters and nothing but what land sets
 * (OTEL_EXPORTER_OTLP_ENDPOINT, whose PROTOCOL the gRPC exporters ignore): their spans, log records and metric points
 * reach the receiver on its one port, attributed to their tiers in `land status`, `land trace` and `land logs` (by
 * their resource, or by the process at the other end of the connection when the resource says nothing).
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, land, landDone, makeProject, removeProjects } from '../helpers/land.js';

const SDK_CHILD = join(ROOT, 'test', 'fixtures', 'otel-sdk-child.mjs');
const METRICS_CHILD = join(ROOT, 'test', 'fixtures', 'otel-metrics-child.mjs');

afterEach(removeProjects);

interface SpanLine {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  tier: string;
  service: string;
  status: string;
  attributes: Record<string, unknown>;
}

type Counts = Record<string, { spans: number; logRecords: number; metricPoints: number; dropped: number }>;

async function receiverStatus(dir: string): Promise<{ requests: Record<string, number>; tiers: Counts }> {
  return (JSON.parse((await landDone(['status', '--json'], dir)).stdout) as { receiver: { requests: Record<string, number>; tiers: Counts } }).receiver;
}

describe('children exporting OTLP over gRPC', () => {
  it('are received on the one port with no set-up, attributed to their tiers', async () => {
    const dir = makeProject({
      config: {
        app: 'shop',
        tiers: {
          rpc: { command: ['node', SDK_CHILD, '--grpc'], ready: { log: 'exported' } },
          meter: { command: ['node', METRICS_CHILD, '--grpc'], ready: { log: 'counting' } },
          // No resource naming its tier: attributed by the process at the other end of the HTTP/2 connection.
          anon: { command: ['env', '-u', 'OTEL_RESOURCE_ATTRIBUTES', '-u', 'OTEL_SERVICE_NAME', 'node', SDK_CHILD, '--grpc'], ready: { log: 'exported' } },
        },
      },
    });
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/rpc: .*→ ready/, 60_000);
    await run.waitFor(/anon: .*→ ready/, 60_000);

    // The metrics child never flushes: its point comes with land's short export interval.
    const deadline = Date.now() + 30_000;
    let status = await receiverStatus(dir);
    while ((status.tiers.meter?.metricPoints ?? 0) === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      status = await receiverStatus(dir);
    }
    expect(status.tiers.rpc).toMatchObject({ spans: 4, logRecords: 1, dropped: 0 });
    expect(status.tiers.meter?.metricPoints).toBeGreaterThan(0);
    expect(status.tiers.anon).toMatchObject({ spans: 4, logRecords: 1 });
    expect(status.tiers.unattributed).toBeUndefined();
    expect(status.requests.rejected).toBe(0);
    expect(status.requests.accepted).toBeGreaterThanOrEqual(3);

    const table = await landDone(['status'], dir);
    expect(table.stdout).toMatch(/^ {2}rpc\s+4 spans\s+1 record\s+0 points$/m);
    const logs = await landDone(['logs', 'rpc'], dir);
    expect(logs.stdout).toMatch(/\[otlp WARN\] sdk child warns · trace [0-9a-f]{32} span [0-9a-f]{16}/);

    expect((await run.stop()).code).toBe(0);

    const lines = (await landDone(['trace', '--json'], dir)).stdout.trim().split('\n').map((line) => JSON.parse(line) as SpanLine);
    const boot = lines.find((span) => span.name === 'land.boot')!;
    const spawn = lines.find((span) => span.name === 'land.spawn rpc')!;
    const work = lines.find((span) => span.name === 'sdk.work' && span.tier === 'rpc')!;
    expect(work).toMatchObject({ tier: 'rpc', service: 'shop-rpc', traceId: boot.traceId, parentSpanId: spawn.spanId, status: 'ok' });
    expect(work.attributes['sdk.transport']).toBe('grpc');
    expect(lines.find((span) => span.name === 'sdk.work' && span.tier === 'anon')).toMatchObject({ service: 'shop-anon' });
    expect(lines.find((span) => span.name === 'sdk.step' && span.tier === 'rpc')).toMatchObject({ tier: 'rpc', parentSpanId: work.spanId, status: 'error' });
  }, 120_000);
});
