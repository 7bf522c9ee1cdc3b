/**
 * One-shot tiers that end close together leave nothing behind, and land must not say otherwise: no "stopping what it
 * left running" (the first look after an exit used a /proc listing shared for 25 ms, often from before that exit),
 * no `stop-incomplete` (docs/decisions.md, "False leftovers under load (tenth wave)").
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LandRun, makeProject, removeProjects, waitUntil } from '../helpers/land.js';
import { cleanUp } from '../control/helpers.js';
import { endsWithin, upUntil } from './support.js';

const runs: LandRun[] = [];
afterEach(() => cleanUp(runs));
afterAll(removeProjects);

const completed = (run: LandRun) => run.stdout.match(/→ exited \(completed with code 0\)/g)?.length ?? 0;

async function expectNothingSaidLeft(run: LandRun, tiers: number): Promise<void> {
  await waitUntil(() => completed(run) >= tiers, 60_000, `${tiers} tiers completed`);
  const stopped = await endsWithin('land up after SIGINT', run.stop());
  expect(run.stdout.match(/.*(left running|stop-incomplete).*/g) ?? []).toEqual([]);
  expect(stopped.code).toBe(0);
}

describe('fault: one-shot tiers that end together (false leftovers)', () => {
  it('shells whose child ends with them, ending 10 ms apart: none is said to have left anything', async () => {
    // Each exit comes while the listing taken for the one before it (which showed this tier alive) is still shared.
    const tiers = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`s${i + 1}`, { command: ['sh', '-c', `sleep ${(0.5 + i * 0.01).toFixed(2)}; exit 0`] }]),
    );
    const run = await upUntil(runs, makeProject({ config: { tiers } }), /s30: spawned pid/);
    await expectNothingSaidLeft(run, 30);
  });

  it('64 replicas of `echo hi; sleep 0.2` ending together: none is said to have left anything', async () => {
    const config = { tiers: { w: { command: ['sh', '-c', 'echo hi; sleep 0.2'], replicas: 64 } } };
    const run = await upUntil(runs, makeProject({ config }), /w\.64: spawned pid/);
    await expectNothingSaidLeft(run, 64);
  });
});
