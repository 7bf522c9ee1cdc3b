/**
 * `limits.memory` with real processes that allocate and touch memory (test/fixtures/child.mjs --hold / --grow): a tree
 * over its limit is stopped gracefully and restarted, with the reason in the output, the status and the telemetry;
 * a tree under it is left alone; a child and its grandchild are counted as one tree; bad values exit 2.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderStatus } from '../../src/cli/status-table.js';
import type { StackSnapshot, TierSnapshot } from '../../src/supervisor/types.js';
import { child, isAlive, land, landDone, makeProject, removeProjects, waitUntil } from '../helpers/land.js';

const scratch = mkdtempSync(join(tmpdir(), 'land-memory-limit-'));
afterAll(() => {
  removeProjects();
  rmSync(scratch, { recursive: true, force: true });
});

const MIB = 1024 * 1024;
const FAST_RESTART = { backoff: { initialMs: 100, maxMs: 100 } };

async function status(dir: string): Promise<StackSnapshot> {
  return JSON.parse((await landDone(['status', '--json'], dir)).stdout) as StackSnapshot;
}
const tierOf = (snapshot: StackSnapshot, name: string): TierSnapshot => snapshot.tiers.find((tier) => tier.name === name)!;

describe('a memory limit per tier', () => {
  it('restarts a tier whose tree grows over its limit, gracefully, and leaves one under its limit alone', async () => {
    const counts = join(scratch, 'leaky.count');
    const dir = makeProject({
      config: {
        tiers: {
          // Only its first life grows: a later one reaching its limit too would race the manual restart below.
          leaky: { command: child('--grow', 20, '--grow-max', 200, '--count-file', counts, '--grow-starts', 1), limits: { memory: '100M' }, restart: FAST_RESTART },
          steady: { command: child('--hold', 20), limits: { memory: 400 * MIB } },
        },
      },
      files: { '.env.Land.PostHog': 'Record=1\n' },
    });
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/steady: starting → ready/);
    const steadyPid = tierOf(await status(dir), 'steady').pid;
    const [line] = await run.waitFor(/leaky: memory-limit: over its memory limit: (\d+) MiB > 100 MiB \(2 samples in a row\)/);
    await run.waitFor(/leaky: spawned pid \d+ \(restart 1\)/);
    await waitUntil(() => readFileSync(counts, 'utf8').trim().split('\n').length === 2, 10_000, 'a second start of leaky');
    // The new life ready (a 150 ms settle), holding still: `land status` says what restarted it.
    await waitUntil(() => (run.stdout.match(/leaky: starting → ready/g) ?? []).length === 2, 10_000, 'leaky ready again');
    const table = (await landDone(['status'], dir)).stdout;
    const snapshot = await status(dir);
    // A manual restart: its life is not the one the limit started, so the note goes (~3 s before the new life is over).
    expect((await landDone(['restart', 'leaky'], dir)).code).toBe(0);
    const afterManual = await status(dir);
    await run.stop();
    expect(table).toMatch(/leaky .* · after a restart over its memory limit \(\d+ MiB > 100 MiB\)/);
    const manual = tierOf(afterManual, 'leaky');
    expect(manual.memory!.restarts).toBe(tierOf(snapshot, 'leaky').memory!.restarts);
    expect(manual.pid).not.toBe(tierOf(snapshot, 'leaky').pid);
    expect(renderStatus(afterManual)).not.toContain('after a restart over its memory limit');
    expect(tierOf(snapshot, 'leaky').memory!.last!.pid).toBe(tierOf(snapshot, 'leaky').pid);

    expect(Number(/(\d+) MiB >/.exec(line)![1])).toBeGreaterThan(100);
    // The stop was the tier's own (SIGTERM, which the child answers), and the state says why.
    const out = run.stdout;
    expect(out.indexOf('leaky: ready → crashed (over its memory limit:')).toBeGreaterThan(-1);
    expect(out.indexOf('got SIGTERM, exiting', out.indexOf('leaky: ready → crashed'))).toBeGreaterThan(-1);
    expect(out).toMatch(/leaky: crashed → backoff \(restarting in 100 ms\)/);

    const leaky = tierOf(snapshot, 'leaky');
    expect(leaky.restarts).toBeGreaterThanOrEqual(1);
    expect(leaky.memory!.limit).toBe(100 * MIB);
    expect(leaky.memory!.restarts).toBeGreaterThanOrEqual(1);
    expect(leaky.memory!.last!.used).toBeGreaterThan(100 * MIB);
    expect(leaky.history.some((transition) => transition.state === 'crashed' && transition.reason.startsWith('over its memory limit: '))).toBe(true);

    // Sampled all along, never over: the same process, no restart.
    const steady = tierOf(snapshot, 'steady');
    expect(steady).toMatchObject({ state: 'ready', restarts: 0, pid: steadyPid });
    expect(steady.memory!.used).toBeGreaterThan(20 * MIB);
    expect(steady.memory!.used).toBeLessThan(400 * MIB);
    expect(steady.memory!.restarts).toBe(0);

    // Telemetry: the error event and the life's end say why.
    const events = readFileSync(join(dir, '.land', 'telemetry', run.bootId, 'events.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((text) => JSON.parse(text) as { event: string; properties: Record<string, unknown> });
    expect(events.find((event) => event.event === 'land:leaky:error')?.properties).toMatchObject({ error_tag: 'memory-limit' });
    expect(events.find((event) => event.event === 'land:leaky:session:end')?.properties).toMatchObject({ why: 'memory-limit' });
    expect(events.some((event) => event.event === 'land:steady:error')).toBe(false);
  }, 60_000);

  it('counts a tier\'s whole tree: a child and its grandchild, each under the limit, together over it', async () => {
    const pids = join(scratch, 'pids');
    // Each process holds ~60 MiB above node's own ~45 MiB: either alone is under 150 MiB, the two together over.
    const project = makeProject({
      config: {
        tiers: { family: { command: child('--hold', 60, '--grandchildren', 1, '--pidfile', pids), limits: { memory: '150M' }, restart: { backoff: { initialMs: 1000, maxMs: 1000 } } } },
      },
    });
    const run = land(['up', '--no-tui'], project);
    await run.waitFor(/family: memory-limit: over its memory limit: \d+ MiB > 150 MiB/);
    // Read well before the restart (1 s of backoff) writes the next life's pids.
    const firstLife = existsSync(pids) ? readdirSync(pids).map(Number) : [];
    await run.waitFor(/family: spawned pid \d+ \(restart 1\)/);
    await run.stop();
    expect(firstLife).toHaveLength(2);
    // The first life's grandchild went with it.
    for (const pid of firstLife) expect(isAlive(pid)).toBe(false);
  }, 60_000);

  it('rejects a bad size with one line naming the file, the key and what was expected (exit 2), in land check too', async () => {
    const dir = makeProject({ config: { tiers: { api: { command: child(), limits: { memory: '512X' } } } } });
    const expected = 'land.config.mjs: tiers.api.limits.memory: expected a size of at least 1M: a whole number of bytes, or a string such as "512M" (K, M, G, T: powers of 1024), got "512X"';
    const up = await landDone(['up', '--no-tui'], dir);
    expect(up.code).toBe(2);
    expect(up.stderr).toContain(expected);
    const check = await landDone(['check'], dir);
    expect(check.code).toBe(2);
    expect(check.stdout.trimEnd()).toBe(expected);
    expect(existsSync(join(dir, '.land', 'logs'))).toBe(false);
  }, 30_000);
});
