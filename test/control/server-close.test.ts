/**
 * In one process: a real Supervisor with its control server. Shutting the stack down ends every follow stream, and
 * closing the server leaves no socket, listener or connection behind (nothing keeps land alive).
 */
import { existsSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { resolvePlan } from '../../src/config/plan.js';
import { streamLines } from '../../src/control/client.js';
import { RemoteControl } from '../../src/control/remote-control.js';
import { startControlServer } from '../../src/control/server.js';
import { Supervisor } from '../../src/supervisor/supervisor.js';
import type { SpawnTracer } from '../../src/supervisor/types.js';
import { newBootId, newSpanId, newTraceId } from '../../src/telemetry/ids.js';
import { child, makeProject, markedProcesses, removeProjects, waitUntil } from '../helpers/land.js';
import { http } from './helpers.js';

afterAll(removeProjects);

function tracer(): SpawnTracer {
  const traceId = newTraceId();
  return {
    traceId,
    startSpawn() {
      const spanId = newSpanId();
      return { spanId, traceparent: `00-${traceId}-${spanId}-01`, end() {} };
    },
  };
}

const HANDLES = new Set(['PipeServerWrap', 'TCPServerWrap', 'PipeWrap', 'TCPWrap']);
const networkHandles = () => process.getActiveResourcesInfo().filter((name) => HANDLES.has(name)).length;

describe('the control server in process', () => {
  it('ends its streams at shutdown and leaves nothing open once closed', async () => {
    const dir = makeProject({ config: { tiers: { api: { command: child('--say', 'api up'), ready: { log: 'api up' } } } } });
    const config = await loadConfig({ cwd: dir });
    const plan = resolvePlan(config, { shellEnv: process.env });
    const bootId = newBootId();
    const supervisor = new Supervisor({ plan, bootId, tracer: tracer() });
    const before = networkHandles();
    const server = await startControlServer({ control: supervisor, rootDir: dir, port: 0 });
    try {
      supervisor.start();
      const remote = await RemoteControl.connect(server.socketPath);
      const lines: string[] = [];
      const follow = await streamLines(server.socketPath, '/tiers/api/logs?follow=1&format=text', (line) => lines.push(line));
      await waitUntil(() => lines.includes('api up'), 10_000, 'the followed line');
      expect((await http({ socketPath: server.socketPath }, '/health')).status).toBe(200);

      await supervisor.shutdown('test');
      // Both streams end because the stack did, before the server closes.
      await follow.done;
      await remote.closed;
      expect(lines.at(-1)).toBe('got SIGTERM, exiting');
    } finally {
      await server.close();
      await supervisor.shutdown('test');
    }
    expect(existsSync(server.socketPath)).toBe(false);
    await waitUntil(() => networkHandles() <= before, 5_000, 'sockets to close');
    expect(markedProcesses(bootId)).toEqual([]);
  });

  it('gives an events reader that is behind at the end the rest of its stream before it closes', async () => {
    // 0.4–0.8 MB of events (as the reads batch the lines): under the 1 MiB that holds the tiers back (a reader that
    // reads nothing is then cut off after 10 s), over what the socket holds.
    const dir = makeProject({ config: { tiers: { f: { command: child('--flood', LINES), restart: { policy: 'never' } } } } });
    const plan = resolvePlan(await loadConfig({ cwd: dir }), { shellEnv: process.env });
    const supervisor = new Supervisor({ plan, bootId: newBootId(), tracer: tracer() });
    const server = await startControlServer({ control: supervisor, rootDir: dir });
    try {
      const reader = await pausedStream(server.socketPath, '/events');
      supervisor.start();
      await waitUntil(() => supervisor.snapshot().tiers[0]!.lastLine === 'flood done', 20_000, 'the flood done');
      await supervisor.shutdown('test');
      const closed = server.close();
      // It reads again once the server is closing: the old close dropped what it had not yet sent (incomplete).
      setTimeout(() => reader.res.resume(), 200);
      await closed;
      expect(await reader.complete).toBe(true);
      const messages = reader.text().trimEnd().split('\n').map((line) => JSON.parse(line) as { kind: string; event?: { type: string; lines?: string[] } });
      const floodLines = messages.flatMap((message) => (message.event?.type === 'log' ? message.event.lines ?? [] : []));
      expect(floodLines.filter((line) => line.startsWith('f line '))).toHaveLength(LINES);
      expect(messages.at(-1)!.kind).toBe('snapshot');
    } finally {
      await server.close();
      await supervisor.shutdown('test');
    }
  });
});

const LINES = 4000;

/** A streaming GET not read until `res.resume()`; `complete`: whether the whole answer came. */
async function pausedStream(socketPath: string, path: string) {
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request({ socketPath, path, agent: false }, resolve);
    req.on('error', reject);
    req.end();
  });
  res.pause();
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('error', () => undefined);
  const complete = new Promise<boolean>((resolve) => res.once('close', () => resolve(res.complete)));
  return { res, complete, text: () => Buffer.concat(chunks).toString('utf8') };
}
