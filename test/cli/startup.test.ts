/**
 * What `land up` loads: the telemetry libraries, prom-client and jiti only when they are used (see
 * docs/decisions.md: start-up); execa never (exec probes spawn with node's own spawn, side-command.ts). Observed through node's module resolution hooks in the real process.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { http } from '../control/helpers.js';
import { child, land, makeProject, removeProjects, ROOT, type LandRun } from '../helpers/land.js';

const runs: LandRun[] = [];
afterEach(async () => {
  await Promise.all(runs.splice(0).map((run) => run.stop()));
});
afterAll(() => removeProjects());

const HOOK = join(ROOT, 'test', 'fixtures', 'module-log.mjs');
/** The bundle's lazily loaded chunks (named after their entry module) and the external jiti. */
const LAZY = {
  posthog: /chunks\/posthog-pipe-/,
  otel: /chunks\/span-sdk-/,
  prometheus: /chunks\/prometheus-/,
  execa: /chunks\/execa-/,
  jiti: /node_modules\/jiti\//,
  // land export's command and engines (and the yaml package they carry): never part of land up.
  export: /chunks\/(export|systemd|compose|kubernetes|supervisord)-/,
  // node's own https (with tls under it) and zlib: only for an https collector and a gzip OTLP body.
  https: /^node:https$/m,
  zlib: /^node:zlib$/m,
  // The memory limit's watch: only once a tier with limits.memory starts.
  memory: /chunks\/memory-watch-/,
};

function loaded(log: string): Record<keyof typeof LAZY, boolean> {
  const urls = readFileSync(log, 'utf8');
  return Object.fromEntries(Object.entries(LAZY).map(([name, pattern]) => [name, pattern.test(urls)])) as Record<keyof typeof LAZY, boolean>;
}

async function boot(env: Record<string, string>, tiers: Record<string, unknown>) {
  const dir = makeProject({ config: { tiers } });
  const log = join(dir, 'modules.log');
  const run = land(['up', '--no-tui'], dir, { NODE_OPTIONS: `--import ${HOOK}`, LAND_TEST_MODULE_LOG: log, ...env });
  runs.push(run);
  await run.waitFor(/web: starting → ready/);
  return { dir, log, run };
}

describe('land up loads a part only when it is used', () => {
  it('with every pipe off and no exec probe: none of them; the first /metrics scrape loads prom-client', async () => {
    const { dir, log, run } = await boot({}, { web: { command: child('--say', 'up') } });
    expect(loaded(log)).toEqual({ posthog: false, otel: false, prometheus: false, execa: false, jiti: false, export: false, https: false, zlib: false, memory: false });

    // land's CPU time so far, as the kernel counts it (utime + stime, in ticks), before the scrape that loads prom-client.
    const [utime, stime] = readFileSync(`/proc/${run.proc.pid}/stat`, 'utf8').split(') ')[1]!.split(' ').slice(11, 13).map(Number);
    const cpuBefore = (utime! + stime!) / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
    const metrics = await http({ socketPath: join(dir, '.land', 'run', 'land.sock') }, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('land_tier_up{tier="web"} 1');
    expect(metrics.body).not.toMatch(/NaN/);
    // The CPU since land started, not since that scrape (one tick of rounding allowed).
    const cpu = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics.body)?.[1]);
    expect(cpu('process_cpu_seconds_total')).toBeGreaterThanOrEqual(cpuBefore - 0.01);
    expect(cpu('process_cpu_seconds_total')).toBeCloseTo(cpu('process_cpu_user_seconds_total') + cpu('process_cpu_system_seconds_total'), 5);
    // (Not the OpenTelemetry SDK: the receiver's span sink loads it once the first wave has settled for a while, so
    // on a slow machine it may be there by the time of the scrape.)
    expect(loaded(log)).toMatchObject({ prometheus: true, posthog: false });
  });

  it('with the pipes on: posthog-node and the OpenTelemetry SDK, once the first wave is up; an exec probe loads no library', async () => {
    const env = { Capture: 'true', Report: 'true', Authorize: 'phc_startup_test_key', Beam: 'http://127.0.0.1:9', Emit: 'true', Pipe: 'http://127.0.0.1:9' };
    const { log } = await boot(env, { web: { command: child('--say', 'up'), ready: { exec: ['true'] } } });
    // Loading begins when no tier is pending or starting and a core is spare, 4 s after land started at the latest
    // (a busy machine may spare none); give the import a moment.
    for (let i = 0; i < 300 && !(loaded(log).posthog && loaded(log).otel); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(loaded(log)).toMatchObject({ posthog: true, otel: true, execa: false, jiti: false, export: false });
  });

  it('the memory watch: not for a limited tier gated off; once a limited tier starts', async () => {
    const gated = await boot({ Extra: 'false' }, { web: { command: child('--say', 'up') }, big: { command: child('--say', 'up'), limits: { memory: '512M' }, gate: 'Extra' } });
    expect(loaded(gated.log).memory).toBe(false);
    const { log } = await boot({}, { web: { command: child('--say', 'up'), limits: { memory: '512M' } } });
    for (let i = 0; i < 100 && !loaded(log).memory; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(loaded(log).memory).toBe(true);
  });
});
