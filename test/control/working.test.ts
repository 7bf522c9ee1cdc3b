/**
 * A command that waits for stops says it still works (`102 Processing` each second, src/control/working.ts), so a
 * client waits for it past its answer timeout; but only up to a bound: one whose work never settles (a bug) is
 * caught by the client's timeout, not waited for ever. A real HTTP server on a Unix socket, land's own client.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NoAnswerError, requestJson } from '../../src/control/client.js';
import { whileWorking, workBoundMs, WORK_MARGIN_MS } from '../../src/control/working.js';

const dir = mkdtempSync(join(tmpdir(), 'land-working-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let server: Server | undefined;
const before = process.env.LAND_CONTROL_TIMEOUT_MS;
beforeEach(() => {
  process.env.LAND_CONTROL_TIMEOUT_MS = '1500';
});
afterEach(async () => {
  if (before === undefined) delete process.env.LAND_CONTROL_TIMEOUT_MS;
  else process.env.LAND_CONTROL_TIMEOUT_MS = before;
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

/** A server whose one route answers once `work()` settles, saying it works meanwhile, for at most `boundMs`. */
async function serving(name: string, work: () => Promise<unknown>, boundMs: number): Promise<string> {
  const socket = join(dir, name);
  server = createServer((_req, res) => {
    void whileWorking(res, work(), boundMs).then((body) => res.end(JSON.stringify(body)));
  });
  await new Promise<void>((resolve) => server!.listen(socket, resolve));
  return socket;
}

describe('the 102 heartbeat of a command at work', () => {
  it('a command that takes longer than the client timeout is waited for, and answers', async () => {
    const socket = await serving('slow.sock', () => new Promise((resolve) => setTimeout(() => resolve({ done: true }), 3500)), 20_000);
    await expect(requestJson(socket, 'POST', '/work')).resolves.toEqual({ done: true });
  });

  it('a command whose work never settles: the beats stop at the bound, and the client times out (no hang)', async () => {
    const socket = await serving('stuck.sock', () => new Promise(() => {}), 3000);
    const started = Date.now();
    const error = await requestJson(socket, 'POST', '/work').catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(NoAnswerError);
    // Held past the client's 1.5 s by the beats, up to the bound: the heartbeat worked, then stopped.
    expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
  }, 30_000);

  it('the bound: every tier stopped one after another, twice, plus a margin', () => {
    expect(workBoundMs([])).toBe(WORK_MARGIN_MS);
    expect(workBoundMs([5000, 2000])).toBe(2 * (6000 + 3000) + WORK_MARGIN_MS);
  });
});
