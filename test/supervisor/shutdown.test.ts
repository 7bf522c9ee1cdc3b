import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  child,
  isAlive,
  killLandAndGuardian,
  land,
  makeProject,
  markedProcesses,
  removeProjects,
  survivorsIn,
  waitUntil,
} from '../helpers/land.js';

afterAll(removeProjects);

/** A stack whose tiers ignore SIGTERM, have grandchildren that ignore it too, and fork a setsid daemon. */
function stubbornStack() {
  const dir = makeProject({ config: { tiers: {} } });
  const pids = join(dir, 'pids');
  const project = makeProject({
    config: {
      tiers: {
        stubborn: {
          command: child('--ignore-term', '--grandchildren', 2, '--pidfile', pids, '--say', 'stubborn up'),
          ready: { log: 'stubborn up' },
          stop: { timeoutMs: 300 },
        },
        daemonizer: {
          command: child('--daemon', '--pidfile', pids, '--say', 'forked a daemon'),
          ready: { log: 'forked a daemon' },
          dependsOn: { stubborn: 'ready' },
        },
        polite: { command: child('--pidfile', pids), dependsOn: { daemonizer: 'started' } },
      },
    },
  });
  return { project, pids };
}

async function bootStubborn() {
  const { project, pids } = stubbornStack();
  const run = land(['up', '--no-tui'], project);
  await run.waitFor(/polite: starting → ready/);
  // 1 stubborn + 2 grandchildren + daemonizer + its daemon + polite.
  await waitUntil(() => survivorsIn(pids).length === 6, 10_000, 'six processes');
  return { run, pids };
}

// Side by side (vitest runs consecutive concurrent suites together): each test has its own project, stack and pid
// files, and what it counts is its own; each stops its own land.
describe.concurrent('shutdown leaves nothing behind', () => {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`on ${signal}: reverse order, SIGKILL after the timeout, no survivor, exit 0`, async () => {
      const { run, pids } = await bootStubborn();
      const exit = await run.stop(signal);
      expect(exit.code).toBe(0);
      expect(survivorsIn(pids)).toEqual([]);
      expect(markedProcesses(run.bootId)).toEqual([]);
      const out = run.stdout;
      const order = ['polite', 'daemonizer', 'stubborn'].map((name) =>
        out.split("\n").findIndex((line) => new RegExp(`${name}: \\w+ → stopping`).test(line)),
      );
      expect(order.every((index) => index > -1)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      expect(out).toMatch(/stubborn +\| ignoring SIGTERM/);
      expect(out).toMatch(/every tier stopped/);
    });
  }

  it('a second Ctrl-C kills everything at once', async () => {
    const { project, pids } = stubbornStack();
    const dir = project;
    // A long stop timeout: only the second signal can end this quickly.
    const { writeFileSync, readFileSync } = await import('node:fs');
    const file = join(dir, 'land.config.mjs');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"timeoutMs": 300', '"timeoutMs": 60000'));
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/polite: starting → ready/);
    run.signal('SIGINT');
    await run.waitFor(/stubborn: ready → stopping/);
    run.signal('SIGINT');
    const exit = await run.exited;
    expect(exit.code).toBe(130);
    await waitUntil(() => survivorsIn(pids).length === 0, 5_000, 'no survivors');
    expect(markedProcesses(run.bootId)).toEqual([]);
  });

  it('the next land up reaps what a SIGKILLed land (and guardian) left, and spares processes without its boot mark', async () => {
    const { project, pids } = stubbornStack();
    const first = land(['up', '--no-tui'], project);
    await first.waitFor(/polite: starting → ready/);
    await waitUntil(() => survivorsIn(pids).length === 6, 10_000, 'six processes');
    // With its guardian (src/cli/guardian.ts), which would reap them otherwise.
    await killLandAndGuardian(first);
    const orphans = survivorsIn(pids);
    expect(orphans.length).toBe(6); // SIGKILL gives land no chance to clean up

    // An unrelated process (no boot mark) must survive the reaping.
    const { spawn } = await import('node:child_process');
    const bystander = spawn('sleep', ['30'], { stdio: 'ignore' });

    const second = land(['up', '--no-tui'], project);
    await second.waitFor(/polite: starting → ready/);
    expect(second.stderr).toMatch(/reaped \d+ process\(es\) left by a land that died/);
    for (const pid of orphans) expect(isAlive(pid)).toBe(false);
    expect(isAlive(bystander.pid!)).toBe(true);
    bystander.kill();
    expect((await second.stop()).code).toBe(0);
    expect(markedProcesses(second.bootId)).toEqual([]);
  });
});

describe.concurrent('land failing takes its children with it', () => {
  it('an uncaught exception in land kills every tree and exits 1', async () => {
    const { project, pids } = stubbornStack();
    const { appendFileSync } = await import('node:fs');
    // The config module runs inside land: a timer that throws there is an uncaught exception of land itself.
    appendFileSync(
      join(project, 'land.config.mjs'),
      [
        "import { existsSync } from 'node:fs';",
        "if (process.argv.includes('up')) {",
        "  const poll = setInterval(() => { if (existsSync('crash-now')) throw new Error('boom from inside land'); }, 20);",
        '  poll.unref();',
        '}',
      ].join('\n'),
    );
    const run = land(['up', '--no-tui'], project);
    await run.waitFor(/polite: starting → ready/);
    appendFileSync(join(project, 'crash-now'), '');
    const exit = await run.exited;
    expect(exit.code).toBe(1);
    expect(run.stderr).toMatch(/land: fatal: boom from inside land/);
    await waitUntil(() => survivorsIn(pids).length === 0, 5_000, 'no survivors');
    // SIGKILLed on land's way out: one may still be tearing down (its environ readable) for a moment under load.
    await waitUntil(() => markedProcesses(run.bootId).length === 0, 5_000, 'no process with the boot mark');
  });
});
