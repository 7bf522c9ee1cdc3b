/** `land up --exit-with <tier>` and the tier key `exitWith`: the stack ends with a tier, land exits with its code. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { CHILD, LAND_BIN, child, expectCleanRejection, waitUntil, land, landDone, makeProject, markedProcesses, removeProjects, survivorsIn } from '../helpers/land.js';
import { tmuxServer } from '../helpers/tmux.js';

const folders: string[] = [];
const tmux = tmuxServer('exit-test');
afterAll(() => {
  tmux.kill();
  removeProjects();
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A service with a grandchild (what must not be left behind) and a test tier that runs `script` once db is ready. */
function ciProject(script: string, test: Record<string, unknown> = {}, profiles: Record<string, string> = { debug: '' }, db: Record<string, unknown> = {}) {
  const dir = makeProject({ config: { tiers: {} } });
  const pids = join(dir, 'pids');
  return {
    pids,
    dir: makeProject({
      config: {
        tiers: {
          db: { command: child('--say', 'db up', '--pidfile', pids, '--grandchildren', 1), ...db },
          test: { command: ['node', '-e', script], dependsOn: { db: 'ready' }, restart: { policy: 'never' }, ...test },
          docs: { command: child('--say', 'docs'), gate: 'Docs' },
        },
      },
      profiles,
    }),
  };
}

async function upUntilEnd(dir: string, args: string[]) {
  const run = land(['up', '--no-tui', ...args], dir);
  const exit = await run.exited;
  return { exit, run, bootId: run.bootId };
}

// Each test has its own project (and the tmux test its own session): they run side by side, as they mostly wait on
// their stacks. Not the one whose land down must come before a tier's 1.5 s are up: it runs alone, last.
describe.concurrent('land up --exit-with', () => {
  it.each([
    ['exits 0', 'setTimeout(() => process.exit(0), 300)', 0, /test: ready → exited/],
    ['exits 3', 'setTimeout(() => process.exit(3), 300)', 3, /test failed: exited with code 3; restart policy is never/],
    ['dies of SIGKILL', 'setTimeout(() => process.kill(process.pid, "SIGKILL"), 300)', 137, /test failed: .*signal SIGKILL/],
  ])('the test tier %s: every tier stops, nothing is left, land exits with its code', { timeout: 60_000 }, async (_, script, code, why) => {
    const { dir, pids } = ciProject(script);
    const { exit, run, bootId } = await upUntilEnd(dir, ['--exit-with', 'test']);
    expect(exit.code).toBe(code);
    expect(run.stdout).toMatch(why);
    // The printer says why the stack stops, on one line, before the stops.
    const shutdown = run.stdout.split('\n').find((line) => line.includes('shutting down ('))!;
    expect(shutdown).toMatch(new RegExp(`land exits with code ${code} \\(--exit-with test\\)\\)$`));
    expect(run.stdout.indexOf(shutdown)).toBeLessThan(run.stdout.indexOf('db: ready → stopping'));
    expect(run.stdout).toMatch(/db: stopping → stopped/);
    expect(survivorsIn(pids)).toEqual([]);
    expect(markedProcesses(bootId)).toEqual([]);
  });

  it('waits for the restart policy: a tier restarted on failure ends the stack once its budget is spent', { timeout: 60_000 }, async () => {
    const { dir } = ciProject('setTimeout(() => process.exit(4), 200)', {
      restart: { policy: 'on-failure', maxRestarts: 2, backoff: { initialMs: 100, maxMs: 100 } },
    });
    const { exit, run } = await upUntilEnd(dir, ['--exit-with', 'test']);
    expect(exit.code).toBe(4);
    expect(run.stdout.match(/test: spawned pid \d+/g)).toHaveLength(3);
    expect(run.stdout).toMatch(/restart budget spent \(2 restarts; last: exited with code 4\)/);
  });

  it('exitWith on a tier with replicas ends the stack once every replica has ended, with the first failing code', { timeout: 60_000 }, async () => {
    const pids = join(makeProject({ config: { tiers: {} } }), 'pids');
    const dir = makeProject({
      config: {
        tiers: {
          db: { command: child('--pidfile', pids) },
          // Replica 1 fails at once, replica 2 succeeds later: the stack waits for both, and ends with 5.
          test: { command: 'sleep 0.$((LAND_REPLICA * 4)); exit $((LAND_REPLICA == 1 ? 5 : 0))', shell: true, replicas: 2, restart: { policy: 'never' }, exitWith: true },
        },
      },
    });
    const { exit, run, bootId } = await upUntilEnd(dir, []);
    expect(exit.code).toBe(5);
    const stopping = run.stdout.indexOf('shutting down (');
    expect(run.stdout.indexOf('test.2: ready → exited')).toBeGreaterThan(-1);
    expect(run.stdout.indexOf('test.2: ready → exited')).toBeLessThan(stopping);
    expect(run.stdout).toMatch(/shutting down \(every replica of test ended; test\.1 failed: exited with code 5.*\(exitWith on test\)\)/);
    expect(survivorsIn(pids)).toEqual([]);
    expect(markedProcesses(bootId)).toEqual([]);
  });

  it('scaling the ending tier down to the replicas that have ended ends the stack (a removal, not an exit)', { timeout: 60_000 }, async () => {
    const dir = makeProject({
      config: {
        tiers: {
          // test.1 exits 0 at once; test.2 would run for a minute, until `land scale test 1` removes it.
          test: { command: 'if [ "$LAND_REPLICA" = 1 ]; then exit 0; fi; sleep 60', shell: true, replicas: 2, restart: { policy: 'never' }, exitWith: true },
        },
      },
    });
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/test\.1: \w+ → exited/);
    await run.waitFor(/test\.2: spawned pid/);
    expect((await landDone(['scale', 'test', '1'], dir)).code).toBe(0);
    const exit = await Promise.race([run.exited, sleep(15_000).then(() => 'still running')]);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(run.stdout).toMatch(/shutting down \(test\.1 .*land exits with code 0 \(exitWith on test\)\)/);
  });

  it.each([
    ['land down', (run: ReturnType<typeof land>, dir: string) => landDone(['down'], dir).then(() => run.exited), 1, /^land: exit 1: the stack stopped \(.*\) before --exit-with test ended$/m],
    ['SIGTERM', (run: ReturnType<typeof land>) => run.stop('SIGTERM'), 143, /^land: exit 143: the stack stopped \(received SIGTERM\) before --exit-with test ended$/m],
    ['SIGINT', (run: ReturnType<typeof land>) => run.stop('SIGINT'), 130, /^land: exit 130: the stack stopped \(received SIGINT\) before --exit-with test ended$/m],
  ])('stopped by %s before the ending tier ended: land exits non-zero and says why', { timeout: 60_000 }, async (_, stop, code, line) => {
    const { dir, pids } = ciProject('setTimeout(() => process.exit(3), 20000)');
    const run = land(['up', '--no-tui', '--exit-with', 'test'], dir);
    await run.waitFor(/test: spawned pid/);
    const exit = await stop(run, dir);
    expect(exit.code).toBe(code);
    expect(run.stderr).toMatch(line);
    expect(survivorsIn(pids)).toEqual([]);
  });

  it.each([
    [['--exit-with', 'nope'], /^land: --exit-with: unknown tier "nope" \(known: db, test, docs\)$/],
    [['--exit-with', 'docs', '--profile', 'ci'], /^land: --exit-with: tier docs is gated off by profile ci \(Docs=false\): expected a tier that starts$/],
  ])('refuses %j before anything starts (exit 2, one line)', async (args, message) => {
    const { dir } = ciProject('', {}, { debug: '', ci: 'Docs=false\n' });
    expectCleanRejection(await landDone(['up', '--no-tui', ...args], dir), dir, message);
  });

  it('refuses one replica as --exit-with (the tier is named, every replica counts)', async () => {
    const dir = makeProject({ config: { tiers: { api: { command: child(), replicas: 2 } } } });
    expectCleanRejection(
      await landDone(['up', '--no-tui', '--exit-with', 'api.2'], dir),
      dir,
      /^land: --exit-with: api\.2 is one replica of api: expected the tier's name/,
    );
  });

  it('a keyed tier gated off by the profile does not end the stack, and land says so', { timeout: 30_000 }, async () => {
    const { dir } = ciProject('', { exitWith: true, gate: 'Tests' }, { debug: 'Tests=false\n' });
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/db: starting → ready/);
    expect(run.stderr).toMatch(/^land: exitWith: test \(Tests=false\) gated off: it does not end the stack$/m);
    // Said only by a land that boots: a second land is refused first, without it.
    const second = await landDone(['up', '--no-tui'], dir);
    expect(second.code).toBe(4);
    expect(second.stderr).not.toMatch(/exitWith/);
    expect((await run.stop()).code).toBe(0);
  });

  it('land init maps availability.exit_on_end to exitWith; land check passes it and refuses a non-boolean; the stack ends with it', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'land-test-'));
    folders.push(dir);
    const pids = join(dir, 'pids');
    writeFileSync(
      join(dir, 'process-compose.yaml'),
      [
        'processes:',
        '  db:',
        `    command: node ${CHILD} --pidfile ${pids} --grandchildren 1`,
        '  e2e:',
        `    command: node -e "setTimeout(() => process.exit(6), 300)"`,
        '    depends_on: { db: { condition: process_started } }',
        '    availability: { restart: "no", exit_on_end: true }',
        '',
      ].join('\n'),
    );
    expect((await landDone(['init'], dir)).code).toBe(0);
    const config = readFileSync(join(dir, 'land.config.ts'), 'utf8');
    // Only on e2e: after its key, once.
    expect(config.indexOf('exitWith: true')).toBeGreaterThan(config.indexOf('e2e: {'));
    expect(config.match(/exitWith/g)).toHaveLength(1);
    expect((await landDone(['check'], dir)).code).toBe(0);
    const { exit, run, bootId } = await upUntilEnd(dir, []);
    expect(exit.code).toBe(6);
    expect(run.stdout).toMatch(/shutting down \(e2e failed: exited with code 6.*\(exitWith on e2e\)\)/);
    expect(survivorsIn(pids)).toEqual([]);
    expect(markedProcesses(bootId)).toEqual([]);

    writeFileSync(join(dir, 'land.config.ts'), config.replace('exitWith: true', "exitWith: 'yes'"));
    const check = await landDone(['check'], dir);
    expect(check.code).toBe(2);
    expect(check.stdout).toMatch(/^land\.config\.ts: tiers\.e2e\.exitWith: expected true or false, got "yes"$/m);
  });

  it('the terminal UI says why the stack stops, and the terminal keeps the line once the UI is gone', { timeout: 60_000 }, async () => {
    // db ignores SIGTERM until its stop's bound: the UI stays up, shutting down, long enough to be read.
    const db = { command: child('--ignore-term', '--say', 'db up'), stop: { timeoutMs: 2000 } };
    const { dir } = ciProject('setTimeout(() => process.exit(2), 1500)', {}, { debug: '' }, db);
    const done = join(dir, 'exit-code');
    tmux('new-session', '-d', '-s', 'ci', '-x', '160', '-y', '30', `cd ${dir} && node ${LAND_BIN} up --exit-with test; echo $? > ${done}; sleep 60`);
    const screen = () => tmux('capture-pane', '-p', '-t', 'ci');
    await waitUntil(() => /shutting down: test failed: exited with code 2/.test(screen()), 30_000, 'the UI to say why it stops');
    // The shell creates the file before it writes the code: wait for the whole line.
    await waitUntil(() => existsSync(done) && readFileSync(done, 'utf8').endsWith('\n'), 30_000, 'land to exit');
    expect(readFileSync(done, 'utf8').trim()).toBe('2');
    expect(screen()).toMatch(/^land: stopped: test failed: exited with code 2; .*\(--exit-with test\)$/m);
  });

  it.sequential('an ending tier that ends while the stack is already shutting down still gives its code', { timeout: 60_000 }, async () => {
    // slow depends on test, so a shutdown stops slow first; slow ignores SIGTERM for 3 s, and test ends (3) meanwhile:
    // when slow got its SIGTERM (a file it writes then), not after a time a loaded machine could let pass before `down`.
    const dir = makeProject({
      config: {
        tiers: {
          test: { command: ['sh', '-c', 'while [ ! -e term-seen ]; do sleep 0.05; done; exit 3'], restart: { policy: 'never' }, exitWith: true },
          slow: {
            command: ['sh', '-c', 'trap "touch term-seen" TERM; echo slow up; while :; do sleep 0.05; done'],
            dependsOn: { test: 'started' },
            stop: { timeoutMs: 3000 },
          },
        },
      },
    });
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/slow up/);
    await landDone(['down'], dir);
    const exit = await run.exited;
    expect(run.stdout).toMatch(/shutting down \(land down\)/);
    expect(run.stdout).toMatch(/test: ready → crashed \(exited with code 3\)/);
    expect(exit.code).toBe(3);
  });
});
