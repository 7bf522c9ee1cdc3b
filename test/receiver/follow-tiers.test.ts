/**
 * The receiver follows the supervisor's tiers: a tier that `land apply` adds, whose child uses the official
 * OpenTelemetry SDK, has its spans and records filed under its name (not `unattributed`) and hung under its spawn
 * span; a replica `land scale` adds is its tier's; a tier apply removes is forgotten (what claims it after is
 * `unattributed`, its counts stay).
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, land, landDone, makeProject, removeProjects, type LandRun } from '../helpers/land.js';
import { cleanUp, status, waitForTier } from '../control/helpers.js';
import { E2E_TIMEOUT, writeConfig } from '../devloop/helpers.js';

const SDK_CHILD = join(ROOT, 'test', 'fixtures', 'otel-sdk-child.mjs');

const runs: LandRun[] = [];
afterEach(async () => {
  await cleanUp(runs);
  removeProjects();
});

interface SpanLine {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  tier: string;
}

const spansOf = async (dir: string, tier: string) =>
  (await landDone(['trace', '--json', '--tier', tier], dir)).stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as SpanLine);

describe('the receiver follows the tiers', () => {
  it('a tier added by land apply, a replica added by land scale, a tier removed', async () => {
    const base = { command: ['node', '-e', 'console.log("base up"); setInterval(() => {}, 1000)'], ready: { log: 'base up' } };
    const late = { command: ['node', SDK_CHILD], ready: { log: 'exported' } };
    const web = { command: ['node', SDK_CHILD], ready: { log: 'exported' }, replicas: 1 };
    const dir = makeProject({ config: { app: 'shop', tiers: { base, web } } });
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    await waitForTier(dir, 'base', (tier) => tier.state === 'ready', 'ready');

    writeConfig(dir, { app: 'shop', tiers: { base, web, late } });
    expect((await landDone(['apply'], dir)).code).toBe(0);
    await waitForTier(dir, 'late', (tier) => tier.state === 'ready', 'ready');
    expect((await landDone(['scale', 'web', '2'], dir)).code).toBe(0);
    await waitForTier(dir, 'web.2', (tier) => tier.state === 'ready', 'ready');

    const counts = (await status(dir)).receiver!.tiers;
    expect(counts.late).toMatchObject({ spans: 4, logRecords: 1 });
    expect(counts.web).toMatchObject({ spans: 8, logRecords: 2 });
    expect(counts.unattributed).toBeUndefined();
    const spans = await spansOf(dir, 'late');
    const spawn = spans.find((span) => span.name === 'land.spawn late')!;
    expect(spawn).toBeDefined();
    expect(spans.find((span) => span.name === 'sdk.work')).toMatchObject({ tier: 'late', parentSpanId: spawn.spanId });

    // Removed: its counts stay; what claims its name now says nothing about the stack.
    writeConfig(dir, { app: 'shop', tiers: { base, web } });
    expect((await landDone(['apply'], dir)).code).toBe(0);
    const endpoint = (await status(dir)).receiver!.endpoint!;
    const body = {
      resourceLogs: [{ resource: { attributes: [{ key: 'land.tier', value: { stringValue: 'late' } }] }, scopeLogs: [{ logRecords: [{ body: { stringValue: 'after its removal' } }] }] }],
    };
    const response = await fetch(`${endpoint}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(200);
    const after = (await status(dir)).receiver!.tiers;
    expect(after.late).toMatchObject({ spans: 4, logRecords: 1 });
    expect(after.unattributed).toMatchObject({ logRecords: 1 });
  }, E2E_TIMEOUT);
});
