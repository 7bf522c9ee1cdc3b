/**
 * Bad input to the stack's OTLP receiver while the stack runs: garbage, a real SDK's protobuf body cut short, bodies
 * above the bound (plain and as a gzip bomb), other content types, and one child flooding it. Each is answered as
 * the OTLP specification says, the tiers are never disturbed, and good telemetry still gets in.
 */
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { ROOT, expectCleanRejection, land, landDone, makeProject, markedProcesses, removeProjects, type LandRun } from '../helpers/land.js';
import { startOtlpReceiver } from '../helpers/receivers.js';
import { cleanUp, http, tierOf } from '../control/helpers.js';
import { sleeper, snapshot, tierWhen } from './support.js';
import type { StackSnapshot } from '../../src/supervisor/types.js';

const FLOOD_CHILD = join(ROOT, 'test', 'fixtures', 'otlp-flood-child.mjs');
const MAX_BODY = 256 * 1024;

const runs: LandRun[] = [];
afterEach(() => cleanUp(runs));
afterAll(removeProjects);

let dir = '';
let run: LandRun;
let endpoint = '';
let before: StackSnapshot;

async function boot(tiers: Record<string, unknown>, limits?: Record<string, number>): Promise<void> {
  dir = makeProject({ config: { app: 'shop', receiver: { maxBodyBytes: MAX_BODY, ...(limits ? { limits } : {}) }, tiers } });
  run = land(['up', '--no-tui'], dir);
  runs.push(run);
  await run.waitFor(/api: starting → ready/);
  before = await snapshot(dir);
  endpoint = before.receiver!.endpoint!;
}

async function post(path: string, body: Buffer | string, headers: Record<string, string>): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(`${endpoint}${path}`, { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: Buffer.from(await res.arrayBuffer()).toString('latin1') };
}

/** A real span from the official SDK and proto exporter, sent to land: it is still taken in. */
async function sdkSpanGetsIn(name: string): Promise<void> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'land.tier': 'api', 'service.name': 'shop-api' }),
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }))],
  });
  provider.getTracer('fault').startSpan(name).end();
  await provider.forceFlush();
  await provider.shutdown();
  const after = await snapshot(dir);
  expect(after.receiver!.tiers.api!.spans).toBeGreaterThanOrEqual(1);
}

/** The tiers are the same processes, nothing restarted, land stops cleanly with nothing left. */
async function expectUndisturbed(names: string[] = ['api']): Promise<void> {
  const after = await snapshot(dir);
  for (const name of names) expect(tierOf(after, name)).toMatchObject({ state: 'ready', pid: tierOf(before, name).pid, restarts: 0 });
  expect((await run.stop()).code).toBe(0);
  expect(markedProcesses(run.bootId)).toEqual([]);
}

describe('bad input to the OTLP receiver', () => {
  beforeEach(() => boot({ api: sleeper('api') }));

  it('garbage as protobuf and as JSON: 400 with a google.rpc.Status body in the same format; the stack runs on', async () => {
    const proto = await post('/v1/traces', Buffer.from('\xff\xfe garbage \x00\x01', 'latin1'), { 'content-type': 'application/x-protobuf' });
    expect(proto).toMatchObject({ status: 400, type: 'application/x-protobuf' });
    expect(proto.text).toMatch(/cannot decode the OTLP\/protobuf traces request/);
    const json = await post('/v1/logs', '{"resourceLogs": [', { 'content-type': 'application/json' });
    expect(json.status).toBe(400);
    expect(JSON.parse(json.text)).toMatchObject({ code: 3, message: expect.stringContaining('OTLP/JSON logs request') });
    await sdkSpanGetsIn('after garbage');
    expect((await snapshot(dir)).receiver!.requests.rejected).toBe(2);
    await expectUndisturbed();
  });

  it('a real exporter\'s protobuf body cut short: 400; the whole body still gets in', async () => {
    const capture = await startOtlpReceiver();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${capture.url}/v1/traces` }))] });
    provider.getTracer('fault').startSpan('to be cut').end();
    await provider.forceFlush();
    await provider.shutdown();
    await capture.close();
    const whole = capture.requests[0]!.body;
    const cut = await post('/v1/traces', whole.subarray(0, Math.floor(whole.length / 2)), { 'content-type': 'application/x-protobuf' });
    expect(cut.status).toBe(400);
    expect((await post('/v1/traces', whole, { 'content-type': 'application/x-protobuf' })).status).toBe(200);
    // Sent by the test (no land.tier, not one of land's processes): kept, as unattributed.
    expect((await snapshot(dir)).receiver!.tiers.unattributed).toMatchObject({ spans: 1, dropped: 0 });
    await expectUndisturbed();
  });

  it('a body above the bound and a gzip bomb: 413 before land holds it all; the stack runs on', async () => {
    const huge = await post('/v1/traces', Buffer.alloc(8 * MAX_BODY, 0x41), { 'content-type': 'application/json' }).catch((error: Error) => ({ status: -1, type: '', text: error.message }));
    // land answers 413 and closes the connection; a client still writing may see the reset instead of the answer.
    expect([413, -1]).toContain(huge.status);
    const bomb = await post('/v1/metrics', gzipSync(Buffer.alloc(64 * MAX_BODY, 0x20)), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(bomb.status).toBe(413);
    expect(JSON.parse(bomb.text).message).toMatch(/inflates above the receiver's bound/);
    await sdkSpanGetsIn('after the bomb');
    await expectUndisturbed();
  });

  it('other content types and encodings: 415 naming what is expected', async () => {
    const text = await post('/v1/traces', 'span!', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect(JSON.parse(text.text).message).toMatch(/expected application\/x-protobuf or application\/json/);
    const brotli = await post('/v1/traces', '{}', { 'content-type': 'application/json', 'content-encoding': 'br' });
    expect(brotli.status).toBe(415);
    await sdkSpanGetsIn('after 415s');
    await expectUndisturbed();
  });
});

describe('bad input: land.tier names that are no tier of the stack', () => {
  it('are one unattributed bucket in status and /metrics, with no escape sequence; a tier\'s own name still counts', async () => {
    await boot({ api: sleeper('api') });
    const logs = (tier: string) =>
      JSON.stringify({ resourceLogs: [{ resource: { attributes: [{ key: 'land.tier', value: { stringValue: tier } }] }, scopeLogs: [{ logRecords: [{ body: { stringValue: 'x' } }] }] }] });
    const names = [...Array.from({ length: 40 }, (_, i) => `t${String(i).padStart(5, '0')}`), 'fake-1\u001b[31mRED', 'api.1', 'api'];
    for (const name of names) expect((await post('/v1/logs', logs(name), { 'content-type': 'application/json' })).status).toBe(200);
    const tiers = (await snapshot(dir)).receiver!.tiers;
    expect(Object.keys(tiers).filter((tier) => tier !== 'mountain').sort()).toEqual(['api', 'unattributed']);
    expect(tiers.api!.logRecords + tiers.unattributed!.logRecords + tiers.unattributed!.dropped).toBe(names.length);
    expect(tiers.api!.logRecords).toBe(2);
    const metrics = await http({ socketPath: join(dir, '.land', 'run', 'land.sock') }, '/metrics');
    expect(metrics.body).not.toContain('\u001b');
    const labels = new Set([...metrics.body.matchAll(/^land_receiver_\w+\{[^}]*tier="([^"]*)"/gm)].map((match) => match[1]));
    expect([...labels].filter((tier) => tier !== 'mountain').sort()).toEqual(['api', 'unattributed']);
    await expectUndisturbed();
  });
});

describe('bad input: a receiver port that cannot be had', () => {
  it.each([
    ['--receiver-port', (port: number) => ({ args: ['--receiver-port', String(port)], config: {} })],
    ['receiver.port', (port: number) => ({ args: [], config: { port } })],
  ])('%s taken by another process: one line naming it, exit 2, nothing started', async (key, given) => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      const { args, config } = given(port);
      const project = makeProject({
        config: { receiver: config, tiers: { api: { command: ['sh', '-c', 'touch started.flag; exec sleep 30'] } } },
      });
      const result = await landDone(['up', '--no-tui', ...args], project);
      expectCleanRejection(result, project, new RegExp(`${key.replace(/[.-]/g, '\\$&')}: cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });
});

describe('fault: a child that floods the OTLP receiver', () => {
  it("is cut off at its share of the boot's limit with the drops counted and answered; the others still get in, status answers", async () => {
    await boot(
      {
        api: sleeper('api'),
        flood: { command: ['node', FLOOD_CHILD, '--batch', '200', '--concurrency', '4', '--ms', '3000'], ready: { log: 'flood done' } },
      },
      { spans: 4000 },
    );
    // status answers during the flood
    const during = await snapshot(dir);
    expect(during.receiver!.state).toBe('on');
    const flooded = await tierWhen(dir, 'flood', (tier) => tier.state === 'ready', 'done flooding', 60_000);
    const line = flooded.lastLine ?? '';
    const sent = Number(/sent=(\d+)/.exec(line)?.[1]);
    const rejected = Number(/rejected=(\d+)/.exec(line)?.[1]);
    expect(sent).toBeGreaterThan(2000);
    const counts = (await snapshot(dir)).receiver!.tiers.flood!;
    // Half of the boot's 4000 spans at most for one tier; everything else dropped, counted, and told to the sender.
    expect(counts.spans).toBe(2000);
    expect(counts.dropped).toBeGreaterThanOrEqual(rejected);
    expect(rejected).toBeGreaterThan(0);
    await sdkSpanGetsIn('after the flood');
    await expectUndisturbed(['api', 'flood']);
  });
});
