// The harness's own checks: `node --test bench/test/`. Real processes and sockets; no timing thresholds.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { availability } from '../lib/contenders.mjs';
import { openHub } from '../lib/hub.mjs';
import { checkLines } from '../lib/line-check.mjs';
import { ownRss } from '../lib/own.mjs';
import { CHILD } from '../lib/paths.mjs';
import { cmdline, isAlive, rssBytes } from '../lib/procs.mjs';
import { renderMarkdown, summarizeScenario } from '../lib/results.mjs';
import { addMetric, newResult } from '../lib/scenario.mjs';
import { boot, finish, stopAndWatch } from '../lib/session.mjs';
import { summarize } from '../lib/stats.mjs';
import { evaluateTargets } from '../lib/targets.mjs';
import { stopTmux } from '../lib/tmux.mjs';
import { ensureTools } from '../lib/tools.mjs';

const dir = mkdtempSync(join(tmpdir(), 'land-bench-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const line = (child, seq, bytes = 100) => {
  const head = `L${child}:${String(seq).padStart(7, '0')}:`;
  return head + 'x'.repeat(bytes - head.length - 1);
};

const META = {
  startedAt: 'now', quick: true, rounds: 1, durationS: 1, command: 'npm run bench -- --quick',
  machine: { nproc: 2, cpu: 'cpu', memoryGiB: 1, node: 'v20', kernel: 'k' },
  loadavg: { before: [0, 0, 0], after: [0, 0, 0] }, versions: {}, contenders: { pm2: { ok: false, reason: 'not installed' } },
};

test('summarize: median of odd and even counts, nulls ignored', () => {
  assert.deepEqual(summarize([3, 1, 2]), { n: 3, median: 2, min: 1, max: 3 });
  assert.deepEqual(summarize([4, null, 1, 3, 2]), { n: 4, median: 2.5, min: 1, max: 4 });
  assert.equal(summarize([]).median, null);
});

test('checkLines: whole lines under any prefix count; cut and missing lines are found', async () => {
  const good = join(dir, 'good.log');
  writeFileSync(good, [`c0 | ${line(0, 0)}`, `[c1] ${line(1, 0)}`, line(0, 1), line(1, 1), 'mountain | c0: exited', ''].join('\n'));
  assert.deepEqual(await checkLines([good], 2, 2, 100), { seen: 4, lost: 0, cut: 0 });

  const bad = join(dir, 'bad.log');
  writeFileSync(bad, [line(0, 0), line(0, 1).slice(0, 40), line(1, 1), ''].join('\n'));
  assert.deepEqual(await checkLines([bad, join(dir, 'absent.log')], 2, 2, 100), { seen: 2, lost: 2, cut: 1 });

  // A terminal's line ending (mprocs's children write to a pty): still whole lines; a stray \r inside is not.
  const pty = join(dir, 'pty.log');
  writeFileSync(pty, [`${line(0, 0)}\r`, `${line(0, 1)}\r`, `${line(1, 0).slice(0, 50)}\r${line(1, 0).slice(50)}\r`, ''].join('\n'));
  assert.deepEqual(await checkLines([pty], 2, 2, 100), { seen: 2, lost: 2, cut: 1 });
});

test('availability: a peer that cannot be had is reported with its reason, the others can run', () => {
  const ok = { ok: true };
  const state = availability({ concurrently: ok, pm2: ok, nf: ok, foreman: ok, supervisord: ok, tmux: ok, mprocs: { ok: false, reason: 'mprocs 0.9.6 has no binary for linux-s390x' } });
  assert.deepEqual(state.mprocs, { ok: false, reason: 'mprocs 0.9.6 has no binary for linux-s390x' });
  assert.equal(state.nf.ok, true);
  assert.equal(state.land.ok, true);
  assert.match(availability({ mprocs: ok }).mprocs.reason, /tmux missing/, 'mprocs needs a terminal too');
});

test('mprocs (in tmux, q), nf and foreman (Ctrl-C to their group): every child connects, the stop leaves nothing', { timeout: 180_000 }, async () => {
  const tools = ensureTools(() => {});
  const state = availability(tools);
  const hub = await openHub();
  try {
    for (const id of ['mprocs', 'nf', 'foreman']) {
      assert.ok(state[id].ok, `${id} could not run here: ${state[id].reason}`);
      const up = await boot(hub, id, 3, { mode: 'grandchild' });
      assert.equal(up.hellos.length, 3);
      assert.ok(up.pids.every(isAlive));
      const down = await stopAndWatch(up.run, up.pids);
      assert.deepEqual(down.survivors, [], `${id} left survivors`);
      assert.notEqual(down.exitMs, null, `${id} did not exit after its stop`);
      await finish(up.run, up.pids);
    }
  } finally {
    stopTmux();
    await hub.close();
  }
});

test('land-ts, land-ts-cold, land-ts-jiti: a land.config.ts boots every child, the stop leaves nothing; only land-ts starts compiled', { timeout: 180_000 }, async () => {
  const hub = await openHub();
  try {
    for (const id of ['land-ts', 'land-ts-cold', 'land-ts-jiti']) {
      const manifest = (up) => join(up.run.dir, '.land', 'cache', 'config', 'land.config.ts.json');
      const up = await boot(hub, id, 2);
      assert.equal(up.hellos.length, 2);
      assert.match(readFileSync(join(up.run.dir, 'land.config.ts'), 'utf8'), /from 'land';[\s\S]*TierConfig =>/);
      // Compiled by the earlier `land check` (land-ts) or by this start (land-ts-cold); never with LAND_CONFIG_CACHE=off.
      assert.equal(existsSync(manifest(up)), id !== 'land-ts-jiti', `${id}: the compiled config`);
      const down = await stopAndWatch(up.run, up.pids);
      assert.deepEqual(down.survivors, [], `${id} left survivors`);
      await finish(up.run, up.pids);
    }
  } finally {
    await hub.close();
  }
});

test('the boot target for a land.config.ts is judged on land-ts, with the first start, the .mjs config and jiti beside it', () => {
  const result = newResult('boot', 'Boot');
  const boot8 = addMetric(result, 'boot_8', 'boot, 8 children', 'ms');
  for (const [id, v] of Object.entries({ baseline: 100, land: 104, 'land-ts': 107, 'land-ts-cold': 130, 'land-ts-jiti': 150 })) boot8.record(id, v);
  const target = () => evaluateTargets([result]).find((t) => /land\.config\.ts/.test(t.target));
  assert.equal(target().met, true);
  assert.equal(target().detail, 'N=8: land-ts 107 ms (1.07×), land-ts-cold 130 ms (1.30×), land 104 ms (1.04×), land-ts-jiti 150 ms (1.50×)');
  boot8.metric.values['land-ts'] = [109];
  assert.equal(target().met, false);
});

test('results: ratios to the base, counts without ratios, targets judged on medians', () => {
  const result = newResult('boot', 'Boot');
  const boot8 = addMetric(result, 'boot_8', 'boot, 8 children', 'ms');
  for (const v of [100, 110, 90]) boot8.record('baseline', v);
  for (const v of [105, 112, 108]) boot8.record('land', v);
  for (const v of [300, 310, 290]) boot8.record('pm2', v);
  const summary = summarizeScenario(result);
  assert.equal(summary.metrics[0].contenders.land.ratio, 1.08);
  const [target] = evaluateTargets([result]);
  assert.equal(target.met, true);
  for (let i = 0; i < 4; i++) boot8.record('pm2', 1); // now pm2's median (1 ms) is ahead of land's
  assert.equal(evaluateTargets([result])[0].met, false, 'a peer ahead of land fails the target');
  assert.match(evaluateTargets([result])[0].floor, /pm2 1 ms below the floor's 100 ms: beating it is beyond what the floor allows here/);

  const relay = newResult('log-relay', 'Log relay');
  addMetric(relay, 'lost', 'lines lost', 'lines', { ratios: false }).record('land', 3);
  const md = renderMarkdown({
    meta: META,
    scenarios: [summarizeScenario(relay)],
    targets: evaluateTargets([relay]),
  });
  assert.match(md, /zero lines lost or cut \(land\) \| lost 3/);
  assert.match(md, /\*\*pm2 could not run\*\*: not installed/);
});

test('targets: kept and judged where the floor cannot meet them, with the figure of the floor from the same run', () => {
  const relay = newResult('log-relay', 'Log relay');
  const rate = addMetric(relay, 'throughput', 'throughput', 'MB/s', { better: 'higher' });
  for (const [id, values] of Object.entries({ baseline: [90, 100, 95], land: [70, 80, 66], concurrently: [55, 60, 50] })) for (const v of values) rate.record(id, v);
  let [target] = evaluateTargets([relay]);
  assert.equal(target.met, false, 'the medians pass (70 ≥ 0.7 × 95, 70 ≥ 1.25 × 55), round 3 does not (66 < 0.7 × 95)');
  assert.equal(target.floor, undefined, '1.25 × 55 = 68.75 MB/s is within the floor');
  rate.metric.values = { baseline: [90, 100, 95], land: [90, 95, 92], concurrently: [78, 80, 82] };
  [target] = evaluateTargets([relay]);
  assert.equal(target.met, false, 'land is not 1.25× concurrently in any round');
  assert.match(target.floor, /1\.25× concurrently is 100\.0 MB\/s, above the floor's own 95\.0 MB\/s/);
  assert.match(renderMarkdown({ meta: META, scenarios: [summarizeScenario(relay)], targets: [target] }), /\| land 92\.0 MB\/s .* · \*\*floor\*\*: 1\.25× concurrently .* \| \*\*no\*\* \|/);

  const shutdown = newResult('shutdown', 'Shutdown');
  const stop = addMetric(shutdown, 'stop_64', 'stop', 'ms');
  stop.record('baseline', 620);
  stop.record('land', 650);
  addMetric(shutdown, 'survivors_64', 'survivors', 'processes', { ratios: false }).record('land', 0);
  [target] = evaluateTargets([shutdown]);
  assert.equal(target.met, false, 'still judged against 300 ms');
  assert.match(target.floor, /the floor itself takes 620 ms/);
});

test('baseline: children connect, stop takes every child and grandchild, nothing survives', async () => {
  const hub = await openHub();
  try {
    const up = await boot(hub, 'baseline', 3, { mode: 'grandchild' });
    assert.equal(up.hellos.length, 3);
    assert.equal(up.pids.length, 6, 'each hello names a child and its grandchild');
    assert.ok(up.pids.every(isAlive));
    const down = await stopAndWatch(up.run, up.pids);
    assert.deepEqual(down.survivors, []);
    assert.ok(down.stopMs >= 0 && down.exitMs >= 0);
    await finish(up.run, up.pids);
    assert.ok(!up.pids.some(isAlive));
  } finally {
    await hub.close();
  }
});

test('a tool that leaves grandchildren behind is caught: survivors are counted', async () => {
  const hub = await openHub();
  try {
    const up = await boot(hub, 'baseline', 2, { mode: 'grandchild' });
    // A careless supervisor: SIGTERM to the children only (not their groups), then gone.
    const careless = { ...up.run, stop: async () => {
      for (const h of up.hellos) process.kill(h.pid, 'SIGTERM');
      process.kill(up.run.pid, 'SIGKILL');
      return performance.now();
    } };
    const down = await stopAndWatch(careless, up.pids);
    assert.equal(down.survivors.length, 2);
    assert.equal(down.stopMs, null);
    await finish(up.run, up.pids);
    assert.ok(!up.pids.some(isAlive), 'finish cleans up survivors');
  } finally {
    await hub.close();
  }
});

test("the tool's RSS leaves out a child that became a fixture while its RSS was read (memory's peak)", { timeout: 30_000 }, async () => {
  // The tool: a node process; its child a shell that, when told, execs into a fixture's node (the exec a forked child
  // of any supervisor does, which the bench may see between its argv check and its RSS read).
  const hub = await openHub();
  const exec = `read go; exec "$0" "$1" ${hub.port} ${hub.token()} 0 idle`;
  const script = `require('node:child_process').spawn('sh', ['-c', ${JSON.stringify(exec)}, process.execPath, ${JSON.stringify(CHILD)}], { stdio: ['inherit', 'ignore', 'ignore'] }); setInterval(() => {}, 1000);`;
  const tool = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'ignore', 'ignore'] });
  const childOf = () => Number(readFileSync(`/proc/${tool.pid}/task/${tool.pid}/children`, 'utf8').trim().split(' ')[0]);
  let child;
  try {
    while (!(child = childOf()) || cmdline(child)[0] !== 'sh') await sleep(10);
    const run = { roots: () => [tool.pid] };
    assert.equal(ownRss(run).processes, 2, "before its exec, the child is the tool's");
    let execd = 0;
    const rssOf = (pid) => {
      if (pid === child) {
        tool.stdin.write('go\n');
        // Until the fixture's node runs (its argv is there): the RSS read below is then the fixture's. A blocking wait
        // (rssOf is synchronous), so bounded: a child that never execs fails the test instead of hanging it.
        const deadline = Date.now() + 10_000;
        while (cmdline(child)[1] !== CHILD) {
          if (Date.now() > deadline) throw new Error(`the child ${child} did not exec the fixture within 10 s`);
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        }
        execd = rssBytes(child);
      }
      return rssBytes(pid);
    };
    const own = ownRss(run, { rssOf });
    assert.ok(execd > 0, "the child exec'd during the read");
    assert.equal(own.processes, 1, 'the fixture it became is not counted');
  } finally {
    tool.kill('SIGKILL');
    if (child) try { process.kill(child, 'SIGKILL'); } catch {}
    await hub.close();
  }
});
