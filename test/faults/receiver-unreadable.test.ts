/**
 * OTLP/protobuf bodies that pass the receiver's wire survey (transport/wire-survey.ts) but hold something only the
 * full decoding reads: strings that are not UTF-8 in fields the survey skips, and a malformed message inside an
 * item. Sent over HTTP to a real `land up`. Nothing accepted with a 200 may vanish without a trace: strings are read
 * leniently (U+FFFD, as the Collector and OTLP/JSON read them) and the span is kept; what cannot be read at all is
 * counted and shown where the receiver's other counters are (`land status`, /metrics, the dashboard, `land trace`).
 */
import protobuf from 'protobufjs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { requestText } from '../../src/control/client.js';
import { socketPath } from '../../src/control/paths.js';
import { ALL_PROTOS } from '../../src/receiver/transport/otlp-proto.js';
import type { StackSnapshot } from '../../src/supervisor/types.js';
import { cleanUp } from '../control/helpers.js';
import { call, login } from '../dashboard/helpers.js';
import { land, landDone, makeProject, removeProjects, type LandRun } from '../helpers/land.js';
import { sleeper, snapshot } from './support.js';

const runs: LandRun[] = [];
afterEach(() => cleanUp(runs));
afterAll(removeProjects);

const root = new protobuf.Root();
for (const text of ALL_PROTOS) protobuf.parse(text, root, { keepCase: false });
root.resolveAll();
const SPAN = root.lookupType('opentelemetry.proto.trace.v1.Span');

const TRACE = Buffer.from('ab'.repeat(16), 'hex');
const START = '1700000000000000000';
const spanOf = (name: string, spanId: string, attributes: object[] = []) => ({
  traceId: TRACE,
  spanId: Buffer.from(spanId.repeat(8), 'hex'),
  name,
  startTimeUnixNano: START,
  endTimeUnixNano: START,
  attributes,
});
/** A request of one group from tier `api` whose spans are given as their encoded bytes. */
function requestOf(spans: Uint8Array[]): Buffer {
  const field = (number: number, bytes: Uint8Array) => protobuf.Writer.create().uint32((number << 3) | 2).bytes(bytes).finish();
  const resource = root.lookupType('opentelemetry.proto.resource.v1.Resource');
  const resourceBytes = resource.encode(resource.fromObject({ attributes: [{ key: 'land.tier', value: { stringValue: 'api' } }] })).finish();
  const scope = Buffer.concat(spans.map((span) => field(2, span)));
  const group = Buffer.concat([field(1, resourceBytes), field(2, scope)]);
  return Buffer.from(field(1, group));
}
const encodeSpan = (value: object) => SPAN.encode(SPAN.fromObject(value)).finish();

let dir = '';
let run: LandRun;
let endpoint = '';

async function boot(): Promise<void> {
  dir = makeProject({ config: { app: 'shop', tiers: { api: sleeper('api') } } });
  run = land(['up', '--no-tui'], dir);
  runs.push(run);
  await run.waitFor(/api: starting → ready/);
  endpoint = (await snapshot(dir)).receiver!.endpoint!;
}

const postTraces = async (body: Buffer) =>
  (await fetch(`${endpoint}/v1/traces`, { method: 'POST', body: new Uint8Array(body), headers: { 'content-type': 'application/x-protobuf' } })).status;

interface SpanLine {
  name: string;
  tier: string;
  attributes: Record<string, unknown>;
}
const traceJson = async () => {
  const result = await landDone(['trace', '--json'], dir);
  return { ...result, spans: result.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as SpanLine) };
};

describe('bad input to the OTLP receiver that passes its survey', () => {
  it('a span name and an attribute value that are not UTF-8: 200, and the span is kept with U+FFFD (in status and land trace)', async () => {
    await boot();
    const bytes = Buffer.from(encodeSpan(spanOf('NAME', 'cd', [{ key: 'k', value: { stringValue: 'VALUE' } }])));
    for (const text of ['NAME', 'VALUE']) bytes.fill(0xff, bytes.indexOf(text), bytes.indexOf(text) + 2);
    expect(await postTraces(requestOf([bytes, encodeSpan(spanOf('fine', 'ce'))]))).toBe(200);

    const status = (await snapshot(dir)).receiver!;
    expect(status.tiers.api).toMatchObject({ spans: 2, dropped: 0 });
    expect((await run.stop()).code).toBe(0);
    const { spans, stderr } = await traceJson();
    const api = spans.filter((span) => span.tier === 'api' && !span.name.startsWith('land.'));
    expect(api.map((span) => span.name).sort()).toEqual(['fine', '\uFFFD\uFFFDME']);
    expect(api.find((span) => span.name !== 'fine')!.attributes).toEqual({ k: '\uFFFD\uFFFDLUE' });
    expect(stderr).not.toMatch(/could not be decoded/);
  });

  it('a malformed message inside a span: 200, and the span that could not be read is shown in status, /metrics, the dashboard and land trace', async () => {
    await boot();
    // A span whose attribute (field 9, a KeyValue) holds a tag of wire type 7: the survey skips attributes, the full
    // decoding refuses it.
    const broken = Buffer.concat([encodeSpan(spanOf('broken', 'cd')), Buffer.from([0x4a, 0x01, 0x0f])]);
    expect(() => SPAN.decode(broken)).toThrow();
    expect(await postTraces(requestOf([broken]))).toBe(200);
    expect(await postTraces(requestOf([encodeSpan(spanOf('fine', 'ce'))]))).toBe(200);

    // The dashboard reads the store (its spans page), which converts what waits: the loss is found and counted.
    const [, dashboardUrl, portText] = await run.waitFor(/land: dashboard on (http:\/\/127\.0\.0\.1:(\d+)\/login\?token=\S+)/);
    const port = Number(portText);
    const cookie = await login(port, dashboardUrl!);
    const spansPage = JSON.parse((await call(port, '/api/spans', { headers: { cookie } })).body) as { spans: Array<{ name: string }> };
    expect(spansPage.spans.map((span) => span.name)).toContain('fine');
    expect(spansPage.spans.map((span) => span.name)).not.toContain('broken');

    const status = (JSON.parse((await landDone(['status', '--json'], dir)).stdout) as StackSnapshot).receiver!;
    expect(status.unreadable).toBe(1);
    expect((await landDone(['status'], dir)).stdout).toMatch(/receiver on http:\/\/127\.0\.0\.1:\d+ · \d+ spans, .*, 1 unreadable/);
    expect(await requestText(socketPath(dir), '/metrics')).toMatch(/^land_receiver_unreadable_total 1$/m);
    const telemetry = JSON.parse((await call(port, '/api/telemetry', { headers: { cookie } })).body) as { receiver?: { unreadable?: number } };
    expect(telemetry.receiver?.unreadable).toBe(1);

    expect((await run.stop()).code).toBe(0);
    const json = await traceJson();
    expect(json.spans.filter((span) => span.tier === 'api' && !span.name.startsWith('land.')).map((span) => span.name)).toEqual(['fine']);
    expect(json.stderr).toMatch(/^land trace: 1 span of this boot the receiver accepted could not be decoded and is left out/m);
    const tree = await landDone(['trace'], dir, { COLUMNS: '160' });
    expect(tree.stdout).toMatch(/1 span of this boot the receiver accepted could not be decoded/);
  });
});
