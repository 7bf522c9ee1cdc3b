/** The shipped demo stack (land.config.ts, profiles, sidecars) booted for real: what `npm start` shows a person. */
import { cpSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, freePort, land, landDone, makeProject, markedProcesses, removeProjects } from '../helpers/land.js';
import { readReceived } from '../../src/receiver/read-back.js';
import type { StoredSpan } from '../../src/receiver/model/types.js';
import { createCodec } from '../../src/receiver/transport/codec.js';

afterAll(removeProjects);

/** A copy of the demo project that uses this checkout's build (so its .land/ and ports are its own). */
function demoCopy(): string {
  const dir = makeProject({ config: { tiers: {} }, profiles: {} });
  for (const file of ['land.config.ts', 'profiles', '.env.Land.Sample', '.env.Land.PostHog.Sample']) {
    cpSync(join(ROOT, file), join(dir, file), { recursive: true });
  }
  symlinkSync(join(ROOT, 'dist'), join(dir, 'dist'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules', 'land'));
  return dir;
}

const SIDECARS = ['air', 'cocoon', 'wind', 'sky', 'rest', 'grove', 'sidecar'];

async function eventually(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('the demo stack', () => {
  it('boots under the default profile, each sidecar joins the trace under its spawn span, and Ctrl-C leaves nothing', async () => {
    const dir = demoCopy();
    const ports = { AIR_PORT: String(await freePort()), COCOON_PORT: String(await freePort()), SKY_PORT: String(await freePort()) };
    const run = land(['up', '--no-tui'], dir, { ...ports, TRACEPARENT: undefined, Spawn: undefined, Render: undefined });
    for (const tier of ['air', 'cocoon', 'sky', 'rest', 'grove', 'worker']) await run.waitFor(new RegExp(`${tier}: starting → ready`), 60_000);
    for (const tier of ['wind', 'sidecar']) await run.waitFor(new RegExp(`${tier}: \\w+ → exited \\(completed with code 0\\)`), 60_000);
    // worker's SDK exports in batches (every 5 s): wait until the batch with its worker.start span is in land's
    // recording (any first batch was not enough: it need not hold that span).
    const recording = join(dir, '.land', 'telemetry', run.bootId);
    const codec = createCodec();
    await eventually(async () => {
      const recorded = readReceived<StoredSpan>(recording, 'traces', codec);
      return recorded.some((span) => span.name === 'worker.start');
    }, 60_000, "worker's worker.start span at the receiver");
    expect((await run.stop()).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
    expect(run.stdout).not.toMatch(/→ (crashed|failed)/);
    expect(run.stdout).toMatch(/cocoon +\| received SIGTERM, shutting down/);

    const read = (file: string) =>
      readFileSync(join(recording, file), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, any>);
    const spans = read('spans.ndjson');
    const events = read('events.ndjson');
    const traceId = /trace ([0-9a-f]{32})/.exec(run.stdout)![1];
    expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set([traceId]));
    for (const tier of SIDECARS) {
      const spawn = spans.find((span) => span.name === `land.spawn ${tier}`);
      expect(spawn, `land.spawn ${tier}`).toBeDefined();
      const own = spans.filter((span) => span.tier === tier && span.parentSpanId === spawn!.spanId);
      expect(own.length, `a span of ${tier} under its spawn span`).toBeGreaterThan(0);
      expect(events.some((event) => event.event === `land:${tier}:session:start` && event.properties.$tier === tier)).toBe(true);
      expect(events.some((event) => event.event.startsWith(`land:${tier}:`) && event.event !== `land:${tier}:session:start` && event.properties.$component !== 'land-mountain')).toBe(true);
    }
    // worker uses the plain OpenTelemetry SDK: its spans reached land's receiver and hang under its spawn span.
    const received = readReceived<StoredSpan>(recording, 'traces', codec);
    const workerSpawn = spans.find((span) => span.name === 'land.spawn worker')!;
    expect(received.find((span) => span.name === 'worker.start')).toMatchObject({ tier: 'worker', service: 'land-worker', traceId, parentSpanId: workerSpawn.spanId });
    const drawn = await landDone(['trace'], dir, { COLUMNS: '100' });
    expect(drawn.stdout).toMatch(/land\.spawn worker[^\n]*\n[^\n]*└─ worker\.start/);
    // echo and mist run inside mountain: their own event names, stamped $tier=mountain.
    expect(events.some((event) => event.event === 'land:mist:hydrated' && event.properties.$tier === 'mountain')).toBe(true);
    expect(events.some((event) => event.event === 'land:echo:relay:summary' && event.properties.$tier === 'mountain')).toBe(true);
  });
});
