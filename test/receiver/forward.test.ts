/**
 * One egress: with the OTLP pipe on, what children send to land's receiver goes on to the collector (here a loopback
 * receiver that decodes the wire) beside land's own spans; with the receiver switched off, children are told the
 * collector's endpoint as before and land receives nothing.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Forwarder } from '../../src/receiver/forward.js';
import { ROOT, envReports, land, landDone, makeProject, removeProjects, waitUntil } from '../helpers/land.js';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/receivers.js';

const SDK_CHILD = join(ROOT, 'test', 'fixtures', 'otel-sdk-child.mjs');
const CURL_CHILD = join(ROOT, 'test', 'fixtures', 'otlp-curl-child.sh');
const CHILD = join(ROOT, 'test', 'fixtures', 'child.mjs');

const collectors: OtlpReceiver[] = [];
afterEach(async () => {
  removeProjects();
  await Promise.all(collectors.splice(0).map((collector) => collector.close()));
});

async function collector(): Promise<OtlpReceiver> {
  const started = await startOtlpReceiver();
  collectors.push(started);
  return started;
}

describe('forwarding to the collector', () => {
  it("sends the children's spans (protobuf and JSON, as they came) and land's own to the collector", async () => {
    const otlp = await collector();
    const dir = makeProject({
      config: {
        app: 'shop',
        tiers: {
          proto: { command: ['node', SDK_CHILD], ready: { log: 'exported' } },
          curl: { command: ['bash', CURL_CHILD], dependsOn: { proto: 'ready' } },
        },
      },
      files: { '.env.Land.PostHog': `Capture=1\nOTLPEnabled=1\nOTLPEndpoint=${otlp.url}\n` },
    });
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/curl: .*→ exited/, 30_000);
    await otlp.waitForSpans(1, 20_000);
    const waitFor = async (name: string) => {
      const deadline = Date.now() + 20_000;
      while (!otlp.spans.some((span) => span.name === name)) {
        if (Date.now() > deadline) throw new Error(`no ${name} at the collector: ${otlp.spans.map((s) => s.name).join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return otlp.spans.find((span) => span.name === name)!;
    };
    const work = await waitFor('sdk.work');
    expect(work).toMatchObject({ encoding: 'protobuf', resource: { 'land.tier': 'proto', 'service.name': 'shop-proto' } });
    expect(await waitFor('curl.post')).toMatchObject({ encoding: 'json', traceId: work.traceId });
    const status = JSON.parse((await landDone(['status', '--json'], dir)).stdout) as { receiver: { forward: { state: string; sent: number } } };
    expect(status.receiver.forward).toMatchObject({ state: 'on' });
    expect(status.receiver.forward.sent).toBeGreaterThanOrEqual(4);
    expect((await run.stop()).code).toBe(0);
    // land's own spans went out through the same pipe, in the same trace.
    const spawn = await waitFor('land.spawn proto');
    expect(work.parentSpanId).toBe(spawn.spanId);
    expect(otlp.requests.every((request) => request.path.startsWith('/v1/'))).toBe(true);
  });

  it('with the receiver off, children get the collector as before and land serves no OTLP', async () => {
    const otlp = await collector();
    const reports = join(makeProject({ config: { tiers: {} } }), 'reports');
    const dir = makeProject({
      config: { receiver: { enabled: false }, tiers: { one: { command: ['node', CHILD, '--report-env', reports] } } },
      files: { '.env.Land.PostHog': `Capture=1\nOTLPEnabled=1\nOTLPEndpoint=${otlp.url}\n` },
    });
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/one: starting → ready/);
    const status = JSON.parse((await landDone(['status', '--json'], dir)).stdout) as { receiver: { state: string; reason: string } };
    expect(status.receiver).toMatchObject({ state: 'off', reason: 'receiver.enabled is false' });
    // Ready means spawned here (no probe): under load the child may not have written its report yet.
    await waitUntil(() => envReports(reports, 'one').length > 0, 30_000, 'the child reporting its environment');
    expect((await run.stop()).code).toBe(0);
    const [env] = envReports(reports, 'one');
    expect(env!.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(otlp.url);
    expect(env!.OTEL_EXPORTER_OTLP_PROTOCOL).toBeUndefined();
    expect(env!.Pipe).toBe(otlp.url);
  });
});

describe('forwarding to an address node cannot send to', () => {
  // node's request throws synchronously on each of these; thrown inside the queue's drain, that once took land down
  // (an unhandled rejection, which also fails the run: vitest reports every one).
  const addresses = ['localhost:4318', '127.0.0.1:4318', 'https://otel:pw_F0rward@collector.example.com:99999', 'ftp://127.0.0.1:4318'];
  it.each(addresses)('%s: the pipe is unavailable with a reason that quotes no address, what came is dropped and counted', async (endpoint) => {
    const forwarder = new Forwarder({ endpoint });
    const body = Buffer.from('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"x"}}]}]}]}');
    forwarder.forward({ signal: 'logs', body, contentType: 'application/json', items: 1 });
    forwarder.forward({ signal: 'traces', body, contentType: 'application/json', items: 2 });
    await forwarder.close(1000);
    const status = forwarder.status();
    expect(status).toMatchObject({ state: 'unavailable', sent: 0, dropped: 3 });
    expect(status.reason).toMatch(/^the collector address is unusable: (not a URL|its scheme is not http: or https:)/);
    expect(JSON.stringify(status)).not.toMatch(/pw_F0rward|localhost|127\.0\.0\.1|example/);
  });
});
