// `land up`'s optimizing compiler: off until land is busy (src/runtime/optimizer.ts). Each case runs a real node
// process on the built module and asks V8 itself (natives syntax) whether a function can be optimized.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const MODULE = pathToFileURL(resolve(import.meta.dirname, '../../dist/src/runtime/optimizer.js')).href;

/** Runs `body` after the set-up bin/land.js does for `land up`; `optimizable()` forces an optimization and says if V8 made one. */
function run(body: string): Record<string, boolean> {
  const script = `
    import { setFlagsFromString } from 'node:v8';
    setFlagsFromString('--no-opt --no-sparkplug --semi-space-growth-factor=1');
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
  const out = execFileSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  return JSON.parse(out) as Record<string, boolean>;
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

  it('stays off in an idle process', () => {
    const seen = run(`
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      seen.afterIdle = optimizable();`);
    expect(seen).toEqual({ afterIdle: false });
  });
});
