/**
 * Faults at the control socket: garbage instead of HTTP, clients that vanish mid-request or mid-stream, fifty clients
 * at once, and commands for a tier that does not exist. land keeps answering and the stack is never disturbed.
 */
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { land, landDone, makeProject, markedProcesses, removeProjects, type LandRun } from '../helpers/land.js';
import { cleanUp, http, tierOf } from '../control/helpers.js';
import { hangUpMidStream, rawBytes, sleeper, snapshot } from './support.js';
import type { StackSnapshot } from '../../src/supervisor/types.js';

const runs: LandRun[] = [];
afterEach(() => cleanUp(runs));
afterAll(removeProjects);

let dir = '';
let socketPath = '';
let run: LandRun;
let before: StackSnapshot;

beforeEach(async () => {
  dir = makeProject({
    config: {
      tiers: {
        api: sleeper('api'),
        worker: sleeper('worker'),
      },
    },
  });
  socketPath = join(dir, '.land', 'run', 'land.sock');
  run = land(['up', '--no-tui'], dir);
  runs.push(run);
  await run.waitFor(/api: starting → ready/);
  await run.waitFor(/worker: starting → ready/);
  before = await snapshot(dir);
});

/** After the fault: land answers, every tier is the same process it was, nothing restarted; then a clean stop. */
async function expectUndisturbed(): Promise<void> {
  const after = await snapshot(dir);
  for (const name of ['api', 'worker']) {
    expect(tierOf(after, name)).toMatchObject({ state: 'ready', pid: tierOf(before, name).pid, restarts: 0 });
  }
  expect((await run.stop()).code).toBe(0);
  expect(markedProcesses(run.bootId)).toEqual([]);
}

const raw = (bytes: string | Buffer, options: { destroyAfterWrite?: boolean } = {}) => rawBytes({ path: socketPath }, bytes, options);

describe('fault: a control client that sends garbage', () => {
  it('binary junk, a broken request line and an oversized header get 4xx (or a closed connection), never a crash', async () => {
    const junk = await raw(Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37 + 11) % 256)));
    expect(junk === '' || /^HTTP\/1\.1 400 /.test(junk)).toBe(true);
    const badLine = await raw('THIS IS NOT HTTP\r\n\r\n');
    expect(badLine === '' || /^HTTP\/1\.1 400 /.test(badLine)).toBe(true);
    const hugeHeader = await raw(`GET /status HTTP/1.1\r\nHost: land\r\nX-Junk: ${'j'.repeat(64 * 1024)}\r\n\r\n`);
    expect(hugeHeader === '' || /^HTTP\/1\.1 431 /.test(hugeHeader)).toBe(true);
    // Read whole (one write, 20 KiB): the 431 comes with one line saying why, not an empty body.
    const longQuery = await raw(`GET /tiers/api/logs?x=${'x'.repeat(20 * 1024)} HTTP/1.1\r\nHost: land\r\n\r\n`);
    expect(longQuery).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n[^]*\r\n\r\n\{"error":\{"code":"bad-request","message":"the request line and headers are too large: expected at most 16 KiB/);
    const badJson = await http({ socketPath }, '/tiers/api/logs?limit=-3');
    expect(badJson.status).toBe(400);
    expect(JSON.parse(badJson.body)).toMatchObject({ error: { code: 'bad-request' } });
    expect((await http({ socketPath }, '/nowhere')).status).toBe(404);
    await expectUndisturbed();
  });
});

describe('fault: control clients that disconnect mid-way', () => {
  it('twenty clients hang up mid-request, mid-/events and mid-follow: land keeps answering and stops cleanly', async () => {
    for (let i = 0; i < 10; i++) await raw('GET /status HTTP/1.1\r\nHost: la', { destroyAfterWrite: true });
    for (const path of ['/events', '/tiers/api/logs?follow=1']) {
      for (let i = 0; i < 5; i++) {
        // The first bytes of the stream arrived: hang up in the middle of it.
        expect([200, undefined]).toContain(await hangUpMidStream({ socketPath, path }));
      }
    }
    // A new stream client after all that still starts complete.
    const hello = await new Promise<string>((resolve, reject) => {
      const req = request({ socketPath, path: '/events', agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk;
          if (text.includes('\n')) {
            req.destroy();
            resolve(text.slice(0, text.indexOf('\n')));
          }
        });
      });
      req.on('error', reject);
      req.end();
    });
    expect(JSON.parse(hello)).toMatchObject({ kind: 'hello', snapshot: { bootId: run.bootId } });
    await expectUndisturbed();
  });
});

describe('fault: many control clients at once', () => {
  it('fifty concurrent status requests and eight concurrent `land status --json` all get the same whole snapshot', async () => {
    const answers = await Promise.all(Array.from({ length: 50 }, () => http({ socketPath }, '/status')));
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect((JSON.parse(answer.body) as StackSnapshot).bootId).toBe(run.bootId);
    }
    const clis = await Promise.all(Array.from({ length: 8 }, () => landDone(['status', '--json'], dir)));
    for (const cli of clis) {
      expect(cli.code).toBe(0);
      expect((JSON.parse(cli.stdout) as StackSnapshot).bootId).toBe(run.bootId);
    }
    await expectUndisturbed();
  });
});

describe('fault: a request for an unknown tier', () => {
  it('stop, restart, logs and start of "ghost": one line naming the known tiers, exit 2; the API answers 404 unknown-tier', async () => {
    for (const args of [['stop', 'ghost'], ['restart', 'ghost'], ['logs', 'ghost'], ['logs', 'ghost', '-f']]) {
      const result = await landDone(args, dir);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      // Every command quotes the name it does not know (an empty one shows), as land logs always did.
      expect(result.stderr).toMatch(/^land: unknown tier "ghost" \(known: api, worker\)/);
    }
    const api = await http({ socketPath }, '/tiers/ghost/start', { method: 'POST' });
    expect(api.status).toBe(404);
    expect(JSON.parse(api.body)).toMatchObject({ error: { code: 'unknown-tier' } });
    await expectUndisturbed();
  });
});
