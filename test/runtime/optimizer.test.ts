// `land up`'s optimizing compiler: off until land is busy (src/runtime/optimizer.ts). Each case runs a real node
// process on the built module and asks V8 itself (natives syntax) whether a function can be optimized.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const MODULE = pathToFileURL(resolve(import.meta.dirname, '../../dist/src/runtime/optimizer.js')).href;
const FLAGS_MODULE = pathToFileURL(resolve(import.meta.dirname, '../../dist/src/runtime/v8-flags.js')).href;

/**
 * Runs `body` after the set-up bin/land.js does for `land up` (its flags set one by one, and listed for v8-flags.ts;
 * none with `lean: false`, as on a V8 land knows no flags of); `optimizable()` forces an optimization and says if
 * V8 made one. Whatever the process writes on stderr fails the case (V8 reports a flag it does not know there).
 */
function run(body: string, { lean = true } = {}): Record<string, boolean> {
  const script = `
    import { setFlagsFromString } from 'node:v8';
    const { leanV8Flags } = await import(${JSON.stringify(FLAGS_MODULE)});
    const flags = ${lean} ? leanV8Flags() : [];
    for (const flag of flags) setFlagsFromString(flag);
    globalThis[Symbol.for('land.v8FlagsAtStart')] = flags;
    const optimizer = await import(${JSON.stringify(MODULE)});
    optimizer.startLean();
    const optimizable = () => {
      const f = new Function('x', 'return x * 2 + 1');
      %PrepareFunctionForOptimization(f); f(1); f(2); %OptimizeFunctionOnNextCall(f); f(3);
      return (%GetOptimizationStatus(f) & 16) !== 0;
    };
    // A function run often enough gets baseline code (Sparkplug) when that compiler is on (kept from TurboFan, which
    // would replace it).
    const baselined = () => {
      const f = new Function('x', 'return x + 1');
      %NeverOptimizeFunction(f);
      for (let i = 0; i < 1e6; i++) f(i);
      return %ActiveTierIsSparkplug(f);
    };
    // The young generation's capacity once more survives scavenges than it holds (V8 grows it then, unless told not to).
    const youngAfterSurvivors = async () => {
      const { getHeapSpaceStatistics } = await import('node:v8');
      const kept = [];
      for (let i = 0; i < 300_000; i++) kept.push({ i });
      return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size;
    };
    const seen = {};
    ${body}
    process.stdout.write(JSON.stringify(seen));`;
  // Sparkplug compiles in batches by default, once enough is queued: one function at a time here, so the case does
  // not depend on the batch's size.
  const args = ['--allow-natives-syntax', '--no-baseline-batch-compilation', '--input-type=module', '-e', script];
  const out = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 30_000 });
  expect(out.stderr).toBe('');
  expect(out.status).toBe(0);
  return JSON.parse(out.stdout) as Record<string, boolean>;
}

describe('the optimizing compiler in land up', () => {
  it('stays off while little goes through the hot paths and comes on at their first MiB', () => {
    const seen = run(`
      seen.atStart = optimizable();
      for (let i = 0; i < 15; i++) optimizer.noteHotBytes(64 * 1024);
      seen.after960KiB = optimizable();
      optimizer.noteHotBytes(64 * 1024);
      seen.after1MiB = optimizable();`);
    expect(seen).toEqual({ atStart: false, after960KiB: false, after1MiB: true });
  });

  it('comes on within a second or two once the process is busy', () => {
    const seen = run(`
      seen.atStart = optimizable();
      const start = process.cpuUsage();
      const cpu = () => { const now = process.cpuUsage(start); return now.user + now.system; };
      while (cpu() < 1_200_000) Math.sqrt(Math.random());
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      seen.afterBusy = optimizable();`);
    expect(seen).toEqual({ atStart: false, afterBusy: true });
  });

  it('keeps the baseline compiler off and the young generation from growing until then', () => {
    const seen = run(`
      seen.baselineAtStart = baselined();
      seen.youngStaysSmall = (await youngAfterSurvivors()) <= 2 * 1024 * 1024;
      optimizer.noteHotBytes(1024 * 1024);
      seen.baselineOnceBusy = baselined();
      seen.youngGrowsOnceBusy = (await youngAfterSurvivors()) > 2 * 1024 * 1024;`);
    expect(seen).toEqual({ baselineAtStart: false, youngStaysSmall: true, baselineOnceBusy: true, youngGrowsOnceBusy: true });
  });

  it('is never lean when bin/land.js set no flags (a V8 whose flags land does not know)', () => {
    const seen = run(`
      seen.atStart = optimizable();
      seen.baselineAtStart = baselined();`, { lean: false });
    expect(seen).toEqual({ atStart: true, baselineAtStart: true });
  });

  it('stays off in an idle process', () => {
    const seen = run(`
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      seen.afterIdle = optimizable();`);
    expect(seen).toEqual({ afterIdle: false });
  });
});

describe("land up's V8 flags by V8 version", () => {
  it('names the memory reducer’s flag as each V8 knows it, and sets none on a V8 it was not checked against', async () => {
    const { leanV8Flags } = (await import(FLAGS_MODULE)) as { leanV8Flags(v8?: string): string[] };
    expect(leanV8Flags('11.3.244.8-node.33')).toContain('--memory-reducer-single-gc');
    for (const v8 of ['12.4.254.21-node.57', '13.6.233.17-node.63']) {
      expect(leanV8Flags(v8)).toContain('--memory-reducer-gc-count=1');
      expect(leanV8Flags(v8)).not.toContain('--memory-reducer-single-gc');
    }
    expect(leanV8Flags('10.2.154.26-node.36')).toEqual([]);
    expect(leanV8Flags('14.1.0')).toEqual([]);
    // This node's: all four, each known to its V8 (run() fails on anything V8 says on stderr).
    expect(leanV8Flags()).toHaveLength(4);
  });
});
