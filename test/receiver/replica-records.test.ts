/**
 * Replicas told apart in telemetry: land gives each replica `service.instance.id=<tier>.<n>` (a tier's own id is
 * kept), the store keeps it with the record, and `land logs web.1` shows web.1's records, not web.2's. A real stack:
 * two replicas of a child using the official OpenTelemetry SDK, each exporting a log record with its pid.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, land, landDone, makeProject, removeProjects, type LandRun } from '../helpers/land.js';
import { cleanUp, waitForTier } from '../control/helpers.js';
import { E2E_TIMEOUT } from '../devloop/helpers.js';

const SDK_CHILD = join(ROOT, 'test', 'fixtures', 'otel-sdk-child.mjs');

const runs: LandRun[] = [];
afterEach(async () => {
  await cleanUp(runs);
  removeProjects();
});

interface RecordLine {
  tier: string;
  record?: { body: string; tier: string; attributes: Record<string, unknown>; resource: Record<string, unknown> };
}

/** The OTLP records `land logs <args> --json` prints, as [shown under, the sender's pid, its instance id]. */
async function recordsOf(dir: string, ...args: string[]): Promise<Array<[string, unknown, unknown]>> {
  const result = await landDone(['logs', ...args, '--json'], dir);
  expect(result.code, result.stderr).toBe(0);
  const lines = result.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as RecordLine);
  return lines
    .filter((line) => line.record?.body === 'sdk child warns')
    .map((line) => [line.tier, line.record!.attributes['sdk.pid'], line.record!.resource['service.instance.id']] as [string, unknown, unknown])
    .sort((a, b) => a[0].localeCompare(b[0]));
}

describe('replicas in telemetry', () => {
  it('gives each replica its service.instance.id and lists its own records under it; a tier keeps its own id', async () => {
    const child = { command: ['node', SDK_CHILD], ready: { log: 'exported' } };
    const dir = makeProject({
      config: { app: 'shop', tiers: { web: { ...child, replicas: 2 }, solo: { ...child, env: { OTEL_RESOURCE_ATTRIBUTES: 'team=a,service.instance.id=solo-own' } } } },
    });
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    const ready = (tier: { state: string }) => tier.state === 'ready';
    const [one, two] = [await waitForTier(dir, 'web.1', ready, 'ready'), await waitForTier(dir, 'web.2', ready, 'ready')];
    await waitForTier(dir, 'solo', ready, 'ready');
    expect(one.pid).toBeDefined();
    expect(two.pid).not.toBe(one.pid);

    // One replica: its own record only, under its name.
    expect(await recordsOf(dir, 'web.1')).toEqual([['web.1', one.pid, 'web.1']]);
    expect(await recordsOf(dir, 'web.2')).toEqual([['web.2', two.pid, 'web.2']]);
    // The tier, and the whole stack: each record under the replica that sent it.
    const both = [
      ['web.1', one.pid, 'web.1'],
      ['web.2', two.pid, 'web.2'],
    ];
    expect(await recordsOf(dir, 'web')).toEqual(both);
    const all = await recordsOf(dir);
    expect(all.filter(([name]) => name.startsWith('web'))).toEqual(both);
    // A tier that sets its own id keeps it.
    expect(all.filter(([name]) => name === 'solo').map(([, , id]) => id)).toEqual(['solo-own']);

    // Spans too: `land trace --json` carries each span's resource.
    const spans = (await landDone(['trace', '--json', '--tier', 'web'], dir)).stdout.trim().split('\n').map((line) => JSON.parse(line) as { name: string; resource?: Record<string, unknown> });
    const ids = spans.filter((span) => span.name === 'sdk.work').map((span) => span.resource?.['service.instance.id']);
    expect(ids.sort()).toEqual(['web.1', 'web.2']);
    expect((await run.stop()).code).toBe(0);
  }, E2E_TIMEOUT);
});
