/**
 * The receiver's 429: past 32 MiB of bodies read and not yet decoded, a request is refused before its body is read,
 * as OTLP/HTTP's throttling asks (429 with Retry-After in seconds, a Status body in the request's format), and the
 * receiver goes on serving. Real concurrent posts over loopback against a real receiver.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../../src/receiver/receiver.js';

const bootDir = mkdtempSync(join(tmpdir(), 'land-throttle-'));
let receiver: Receiver | undefined;
afterAll(async () => {
  await receiver?.close();
  rmSync(bootDir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  retryAfter?: string;
  type?: string;
  body: string;
}

/** One POST on its own connection (as parallel exporters do). */
function post(endpoint: string, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${endpoint}/v1/traces`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], type: res.headers['content-type'], body: text }));
    });
    // A refused request's body is drained by the receiver; a connection it closed first is an answer lost, not ours.
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * `count` posts of `body` at once from another process (as many exporters would send; in this one they would share
 * the receiver's event loop, and its reading of them); resolves with their statuses.
 */
async function floodFrom(endpoint: string, body: Buffer, count: number): Promise<number[]> {
  const script = `
    const chunks = [];
    for await (const chunk of process.stdin) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const statuses = await Promise.all(Array.from({ length: ${count} }, () =>
      fetch(${JSON.stringify(`${endpoint}/v1/traces`)}, { method: 'POST', body, headers: { 'content-type': 'application/json' } })
        .then(async (res) => (await res.arrayBuffer(), res.status))));
    process.stdout.write(JSON.stringify(statuses));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.end(body);
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
  const [code] = (await once(child, 'close')) as [number | null];
  expect(code).toBe(0);
  return JSON.parse(out) as number[];
}

/** An OTLP/JSON traces request of about `bytes`, `count` spans of one trace. */
function tracesBody(bytes: number): Buffer {
  const span = (i: number) => ({
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: i.toString(16).padStart(16, '0'),
    name: `work-${i}`,
    kind: 1,
    startTimeUnixNano: '1700000000000000000',
    endTimeUnixNano: '1700000000001000000',
    attributes: [{ key: 'n', value: { intValue: String(i) } }],
  });
  const one = JSON.stringify(span(1)).length + 1;
  const spans = Array.from({ length: Math.floor(bytes / one) }, (_, i) => span(i + 1));
  return Buffer.from(JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'land.tier', value: { stringValue: 'api' } }] }, scopeSpans: [{ spans }] }] }));
}

describe('the receiver under a flood', () => {
  it('answers 429 with Retry-After past 32 MiB waiting to be decoded, and goes on serving', { timeout: 120_000 }, async () => {
    receiver = await startReceiver({ port: 0, bootId: 'boot-test', bootDir, identity: { app: 'demo', tiers: ['api'] } });
    const endpoint = receiver.endpoint;
    const big = tracesBody(7 * 1024 * 1024);
    const small = tracesBody(1024);
    let throttled: Answer | undefined;
    const bigStatuses: number[] = [];
    // Rounds of ten 7 MiB bodies at once (70 MiB: decoded one at a time); small requests meanwhile, until one is
    // refused. A round is decoded in seconds, so the first one all but always has more than 32 MiB waiting.
    for (let round = 0; round < 5 && !throttled; round++) {
      let pending = true;
      const flood = floodFrom(endpoint, big, 10).finally(() => (pending = false));
      // Not waited for one by one: an admitted small request is answered only after the bodies ahead of it.
      const smalls: Array<Promise<Answer>> = [];
      while (pending) {
        smalls.push(post(endpoint, small));
        await sleep(20);
      }
      const answers = await Promise.all(smalls);
      for (const answer of answers) expect([200, 429]).toContain(answer.status);
      throttled = answers.find((answer) => answer.status === 429);
      bigStatuses.push(...(await flood));
    }
    expect(throttled, 'no request was refused while 70 MiB came').toBeDefined();
    // OTLP/HTTP throttling: 429 (retryable), Retry-After in seconds, a google.rpc.Status in the request's format.
    expect(throttled!.retryAfter).toBe('1');
    expect(throttled!.type).toBe('application/json');
    expect(JSON.parse(throttled!.body)).toEqual({ code: 8, message: 'land is still decoding earlier requests; retry later' });
    // Every big body was answered: taken (200), or refused whole (429) when it came behind too much.
    expect(bigStatuses).toHaveLength(10 * Math.ceil(bigStatuses.length / 10));
    for (const status of bigStatuses) expect([200, 429]).toContain(status);
    // Once the flood is decoded, the receiver takes requests again.
    expect((await post(endpoint, small)).status).toBe(200);
    expect(receiver.status().requests.refused).toBeGreaterThan(0);
  });
});
