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

/**
 * Holds 2 GiB of small pages (no transparent huge pages: freeing them takes a while), says so on fd 3, then waits:
 * killed, its exit (PF_EXITING from the first moment) frees that memory before it closes its files, its stdout (the
 * tier's pipe) included.
 */
const BIG = [
  'import mmap, os, time',
  'n = 2 << 30',
  'm = mmap.mmap(-1, n, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)',
  'm.madvise(mmap.MADV_NOHUGEPAGE)',
  'for i in range(0, n, 4096): m[i] = 1',
  'os.write(3, b"held")',
  'time.sleep(60)',
].join('\n');

/** The tier's leader: kills its big child once it holds its memory, waits until the child's exit has begun, exits 0. */
const LEADER = `
const { spawn } = require('node:child_process');
const { readFileSync } = require('node:fs');
const big = spawn('python3', ['-c', ${JSON.stringify(BIG)}], { stdio: ['ignore', 'inherit', 'inherit', 'pipe'] });
const exiting = () => {
  try {
    const stat = readFileSync('/proc/' + big.pid + '/stat', 'latin1');
    return (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[6]) & 4) !== 0;
  } catch {
    return true;
  }
};
big.stdio[3].once('data', () => {
  process.kill(big.pid, 'SIGKILL');
  while (!exiting());
  console.log('child exiting');
  process.exit(0);
});`;

describe('fault: one-shot tiers that end together (false leftovers)', () => {
  it('a child still exiting (freeing a big memory) that holds the pipes after its leader\'s exit: not said to be left running', { timeout: 90_000 }, async () => {
    const run = await upUntil(runs, makeProject({ config: { tiers: { big: { command: ['node', '-e', LEADER] } } } }), /big: spawned pid/);
    await waitUntil(() => /child exiting/.test(run.stdout), 60_000, 'the child to be exiting');
    await expectNothingSaidLeft(run, 1);
  });

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
