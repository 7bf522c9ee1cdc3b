// Scenario 2, cold start: `land --version` against `node -e 0` (what loading land's CLI costs), and `land up` to
// its first (only) child connected against the baseline spawning that one child; the light peers (concurrently,
// mprocs, nf) likewise.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { cleanEnv } from '../lib/contenders.mjs';
import { LAND_BIN } from '../lib/paths.mjs';
import { addMetric, interleave, newResult, notMeasured } from '../lib/scenario.mjs';
import { boot, finish } from '../lib/session.mjs';
import { concurrentlyBin, mprocsBin, nfBin } from '../lib/tools.mjs';

function timeCommand(file, args) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(file, args, { stdio: 'ignore', env: cleanEnv() });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`${file} ${args.join(' ')} exited ${code}`))));
  });
}

export async function run(ctx) {
  const result = newResult('cold-start', 'Cold start', {
    describe: '`--version` to exit, against `node -e 0`; and `up` with one child (land, the baseline and the peers that start no daemon): launch → that child connected.',
  });
  result.labels = {
    node: 'node -e 0',
    'land-version': 'land --version',
    'concurrently-version': 'concurrently --version',
    'mprocs-version': 'mprocs --version (native)',
    'nf-version': 'nf --version',
    'foreman-version': 'foreman version (Ruby)',
  };
  const version = addMetric(result, 'version', 'launch → exit of `--version`', 'ms', { base: 'node' });
  const commands = {
    node: [process.execPath, ['-e', '0']],
    'land-version': [process.execPath, [LAND_BIN, '--version']],
    ...(ctx.ids(['concurrently']).length ? { 'concurrently-version': [process.execPath, [concurrentlyBin(), '--version']] } : {}),
    ...(ctx.ids(['mprocs']).length ? { 'mprocs-version': [mprocsBin(), ['--version']] } : {}),
    ...(ctx.ids(['nf']).length ? { 'nf-version': [process.execPath, [nfBin(), '--version']] } : {}),
    ...(ctx.ids(['foreman']).length ? { 'foreman-version': ['foreman', ['version']] } : {}),
  };
  const rounds = ctx.rounds * (ctx.quick ? 2 : 3); // each run is short: more rounds for the same time
  await interleave(ctx, result, Object.keys(commands), rounds, async (id) => {
    version.record(id, await timeCommand(...commands[id]));
  }, { label: '--version' });

  const first = addMetric(result, 'first_child', '`up` → first child connected (1 child)', 'ms', { base: 'baseline' });
  await interleave(ctx, result, ctx.ids(['baseline', 'land', 'concurrently', 'mprocs', 'nf', 'foreman']), rounds, async (id) => {
    const up = await boot(ctx.hub, id, 1);
    first.record(id, up.readyMs);
    await finish(up.run, up.pids, { fast: true });
  }, { label: 'up' });
  notMeasured(ctx, result, ['pm2', 'supervisord'], 'each starts a daemon first: see Boot, N = 8');
  return result;
}
