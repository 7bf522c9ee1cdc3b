import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { child, envReports, freePort, land, makeProject, removeProjects, waitUntil } from '../helpers/land.js';

afterAll(removeProjects);

/** Index of the first output line matching, or -1. */
const lineIndex = (output: string, pattern: RegExp) => output.split('\n').findIndex((line) => pattern.test(line));

describe('tier lifecycle', () => {
  it('starts dependencies in order and waits for each condition', async () => {
    const port = await freePort();
    const dir = makeProject({
      config: {
        tiers: {
          db: { command: child('--delay', 400, '--tcp', port), ready: { tcp: port } },
          migrate: { command: child('--delay', 200, '--exit', 0), dependsOn: { db: 'ready' } },
          api: { command: child('--say', 'api up'), dependsOn: { migrate: 'completed', db: 'started' } },
          cache: { command: child('--say', 'cache up') },
        },
      },
    });
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/api: starting → ready/);
    await run.stop();
    const out = run.stdout;
    // Independent tiers start together; dependents only after their condition.
    expect(lineIndex(out, /cache: pending → starting/)).toBeLessThan(lineIndex(out, /db: starting → ready/));
    expect(lineIndex(out, /db: starting → ready/)).toBeLessThan(lineIndex(out, /migrate: pending → starting/));
    expect(lineIndex(out, /migrate: \w+ → exited/)).toBeLessThan(lineIndex(out, /api: pending → starting/));
    expect(lineIndex(out, /api: pending → starting/)).toBeGreaterThan(-1);
  });

  it('marks dependents failed when a dependency fails', async () => {
    const dir = makeProject({
      config: {
        tiers: {
          broken: { command: child('--exit', 1), ready: { log: 'never printed' }, restart: { policy: 'never' } },
          needsIt: { command: child(), dependsOn: { broken: 'ready' } },
        },
      },
    });
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/needsIt: pending → failed \(dependency broken/);
    await run.stop();
    expect(run.stdout).not.toMatch(/needsIt: spawned/);
  });

  it('never calls ready a child that exited during its settle time', async () => {
    // The settle wait is a plain timer that is not woken by the exit (src/supervisor/tier-run.ts): when it fires
    // for a life whose leader is gone, that life must stay crashed. `slow` forks after `quick` in the same wave, so
    // its ready line comes after quick's timer has fired.
    const dir = makeProject({
      config: {
        tiers: {
          quick: { command: ['sh', '-c', "(trap '' TERM; sleep 2) & exit 3"], restart: { policy: 'never' }, stop: { timeoutMs: 600 } },
          slow: { command: child() },
        },
      },
    });
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/quick: \w+ → failed \(restart policy is never\)/);
    await run.waitFor(/slow: starting → ready/);
    await run.stop();
    // Its leftover, deaf to SIGTERM, keeps the life (stopping what it left running) past the settle timer.
    expect(run.stdout).toMatch(/quick: (starting|ready|stopping) → crashed \(exited with code 3\)/);
    expect(run.stdout).not.toMatch(/quick: (crashed|failed|stopping) → ready/);
    expect(run.stdout.match(/quick: \w+ → ready/g)?.length ?? 0).toBeLessThanOrEqual(1);
  });

  it('never calls ready a tier that is stopping, even when its probe passes while it exits', async () => {
    // The readiness wait is not woken by a stop (only by the child's exit): a probe that passes between the stop and
    // the exit, as this child's does on SIGTERM, must not turn a stopping tier ready.
    const script = "trap 'echo now-ready; sleep 0.5; exit 0' TERM; echo waiting; while :; do sleep 0.05; done";
    const dir = makeProject({ config: { tiers: { late: { command: ['sh', '-c', script], ready: { log: 'now-ready' } } } } });
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/late\b.*waiting/);
    await run.stop();
    expect(run.stdout).toMatch(/late: starting → stopping/);
    expect(run.stdout).toMatch(/now-ready/);
    expect(run.stdout).not.toMatch(/late: stopping → ready/);
    expect(run.stdout).toMatch(/late: stopping → stopped/);
  });

  it('passes each kind of readiness probe', async () => {
    const [tcp, http] = [await freePort(), await freePort()];
    const dir = makeProject({
      config: {
        tiers: {
          bylog: { command: child('--delay', 100, '--say', 'listening now'), ready: { log: 'listening now' } },
          bytcp: { command: child('--delay', 100, '--tcp', tcp), ready: { tcp } },
          byhttp: { command: child('--delay', 100, '--http', http), ready: { http: `http://127.0.0.1:${http}/` } },
          byexec: { command: child('--delay', 100, '--touch', 'ready.flag'), ready: { exec: ['test', '-f', 'ready.flag'] } },
          never: { command: child(), ready: { log: 'this never comes', timeoutMs: 300 }, restart: { policy: 'never' } },
        },
      },
    });
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/never: \w+ → failed/);
    for (const name of ['bylog', 'bytcp', 'byhttp', 'byexec']) await run.waitFor(new RegExp(`${name}: starting → ready`));
    await run.stop();
    expect(run.stdout).toMatch(/bylog: starting → ready \(log listening now passed\)/);
    expect(run.stdout).toMatch(new RegExp(`bytcp: starting → ready \\(tcp 127.0.0.1:${tcp} passed\\)`));
    expect(run.stdout).toMatch(/byexec: starting → ready \(exec test -f ready.flag passed\)/);
    expect(run.stdout).toMatch(/never: probe-failed: readiness probe \(log this never comes\) did not pass within 300 ms/);
  });

  it('backs off exponentially, spends its restart budget, and gives each start a fresh TRACEPARENT', async () => {
    const project = makeProject({ config: { tiers: {} } });
    const reports = join(project, 'reports');
    const counts = join(project, 'starts.txt');
    const dir = makeProject({
      config: {
        tiers: {
          flaky: {
            command: child('--report-env', reports, '--count-file', counts, '--exit', 2),
            restart: { policy: 'on-failure', maxRestarts: 3, backoff: { initialMs: 100, maxMs: 250 } },
          },
          steady: { command: child('--say', 'steady') },
        },
      },
    });
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/flaky: \w+ → failed \(restart budget spent \(3 restarts; last: exited with code 2\)\)/);
    await run.waitFor(/steady: starting → ready/);
    await run.stop();
    const delays = [...run.stdout.matchAll(/flaky: crashed → backoff \(restarting in (\d+ ms)\)/g)].map((m) => m[1]);
    expect(delays).toEqual(['100 ms', '200 ms', '250 ms']); // doubling, capped at maxMs
    expect(readFileSync(counts, 'utf8').trim().split('\n')).toHaveLength(4);
    const envs = envReports(reports, 'flaky');
    expect(envs).toHaveLength(4);
    const traceIds = new Set(envs.map((env) => env.OTLP_TRACE_ID));
    const spanIds = new Set(envs.map((env) => env.TRACEPARENT!.split('-')[2]));
    expect(traceIds.size).toBe(1);
    expect(spanIds.size).toBe(4);
    // The steady neighbour never noticed.
    expect(run.stdout).not.toMatch(/steady: \w+ → (crashed|failed)/);
  });

  it('restarts a tier whose liveness probe starts failing', async () => {
    const port = await freePort();
    const dir = makeProject({
      config: {
        tiers: {
          // Listens on the port only in its first life; the liveness probe then fails and restarts it.
          live: {
            command: ['sh', '-c', `if [ -f started ]; then exec node ${child()[1]} --say again; else touch started; exec node ${child()[1]} --tcp ${port} --delay 100 --exit-later; fi`],
            ready: { tcp: port },
            liveness: { exec: ['sh', '-c', 'test ! -f kill-me'], intervalMs: 100 },
            restart: { backoff: { initialMs: 50, maxMs: 50 } },
          },
        },
      },
    });
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/live: starting → ready/);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'kill-me'), '');
    await run.waitFor(/live: probe-failed: liveness probe/);
    await run.waitFor(/live: spawned pid \d+ \(restart 1\)/);
    await run.stop();
    expect(run.stdout).toMatch(/live: ready → crashed \(liveness probe \(exec sh -c test ! -f kill-me\) failed 1 time\(s\)\)/);
  });
});
