/**
 * Who holds a stack's folder, at any moment of its land's life:
 * - from the start of `land up` (before its config is read) its pid file claims the folder: a `land down` or
 *   `land status` that comes during the boot waits for the stack (before, they said "no stack is running" and the
 *   stack booted anyway), a second `land up` is refused at once, and a boot that fails lets the folder go;
 * - after its land is SIGKILLed, `land status` says that the land died and its processes still run, and `land down`
 *   reaps them by their boot mark (before, both said "no stack is running" and the processes ran on).
 * The config here sleeps as it loads, so the boot's first moments last long enough to be met every time.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive, killLandAndGuardian, land, landDone, makeProject, markedProcesses, removeProjects, waitUntil, type LandRun } from '../helpers/land.js';
import { cleanUp, status, tierOf } from '../control/helpers.js';

// The boots run side by side (each its own folder): one clean-up after them all, which an afterEach would run while
// the others still boot. After-hooks run in reverse: the lands are stopped, then their folders go.
const runs: LandRun[] = [];
afterAll(removeProjects);
afterAll(async () => {
  await cleanUp(runs);
});

const TIERS = { a: { command: ['sh', '-c', 'echo a up; exec sleep 300'], ready: { log: 'a up' } } };

/** A config that takes `ms` to load (then, with `fail`, throws); it makes the file `loading` as it begins. */
// How long the config takes to load: the second command must start inside it, and under CI's load a land alone took
// over 1.5 s to start (the spawn and status tests failed with their command arriving after the boot; at load 29 here,
// 4 s was not enough either). 10 s: the boots below wait side by side, so the file waits for it about once.
const LOADING_MS = 10_000;

function slowProject(ms: number, fail = false, tiers: Record<string, unknown> = TIERS, firstLoadOnly = false): string {
  // Under the profile debug, a tier gated by Extra is off (spawn overrides the gate).
  const config = [
    "import { existsSync, writeFileSync } from 'node:fs';",
    "const loading = new URL('./loading', import.meta.url);",
    // With firstLoadOnly, a later load (the land that `land up -d` starts reads the config again) takes no time.
    `const slow = ${firstLoadOnly ? '!existsSync(loading)' : 'true'};`,
    'writeFileSync(loading, "");',
    `if (slow) await new Promise((resolve) => setTimeout(resolve, ${ms}));`,
    fail ? "throw new Error('the config gave up');" : '',
    `export default ${JSON.stringify({ tiers })};`,
  ].join('\n');
  return makeProject({ config: { tiers: {} }, profiles: { debug: 'Extra=false\n' }, files: { 'land.config.mjs': config } });
}

const pidFile = (dir: string) => join(dir, '.land', 'run', 'land.pid');
/** land up is reading its config: its boot has begun, its control socket is not there yet. */
const loading = (dir: string) => waitUntil(() => existsSync(join(dir, 'loading')), 20_000, 'the config to be loading');

function started(args: string[], dir: string): LandRun {
  const run = land(args, dir);
  runs.push(run);
  return run;
}

// Side by side: each test has its own folder and stack, and mostly waits on its config's load.
describe.concurrent("a stack's folder while its land boots", () => {
  it('land down during the boot waits for the stack and stops it; land up exits 0 and leaves nothing', async () => {
    const dir = slowProject(LOADING_MS);
    const up = started(['up', '--no-tui'], dir);
    await loading(dir);
    const down = await landDone(['down'], dir);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toMatch(/^land: stack stopped \(boot \S+\)\n$/);
    expect(await up.exited).toEqual({ code: 0, signal: null });
    expect(markedProcesses(up.bootId)).toEqual([]);
    expect(existsSync(pidFile(dir))).toBe(false);
  }, 60_000);

  it('land status during the boot answers once the stack is up; a second land up is refused at once (exit 4)', async () => {
    const dir = slowProject(LOADING_MS);
    const up = started(['up', '--no-tui'], dir);
    await loading(dir);
    const [snapshot, second] = await Promise.all([status(dir), landDone(['up', '--no-tui'], dir)]);
    expect(snapshot.pid).toBe(up.proc.pid);
    expect(second.code).toBe(4);
    expect(second.stderr).toMatch(new RegExp(`^land: land is already running this stack \\(pid ${up.proc.pid}, boot ${snapshot.bootId}\\); stop it with \`land down\`\\n$`));
    expect(second.stdout).toBe('');
    await up.waitFor(/a: starting → ready/);
    expect((await landDone(['down'], dir)).code).toBe(0);
    expect((await up.exited).code).toBe(0);
  }, 60_000);

  it('land spawn during the boot waits for the stack and spawns into it (it was refused: "already running", exit 4)', async () => {
    const dir = slowProject(LOADING_MS, false, { ...TIERS, b: { command: ['sh', '-c', 'echo b up; exec sleep 300'], gate: 'Extra' } });
    const up = started(['up', '--no-tui', '--profile', 'debug'], dir);
    await loading(dir);
    const spawn = await landDone(['spawn', 'b'], dir);
    expect(spawn.code, spawn.stderr).toBe(0);
    expect(spawn.stderr).toMatch(new RegExp(`^land: the stack here is starting \\(land pid ${up.proc.pid}, boot \\S+\\): b is spawned into it once it answers\\n$`));
    expect(spawn.stdout).toMatch(/^land: spawned b in boot \S+ \(/);
    await up.waitFor(/b +\| b up/);
    expect(tierOf(await status(dir), 'b').pid).toBeGreaterThan(0);
    expect((await landDone(['down'], dir)).code).toBe(0);
    expect((await up.exited).code).toBe(0);
  }, 60_000);

  it('a full disk under .land/run (a 4 KiB tmpfs, full): one line naming the pid file, exit 1, nothing left there', async () => {
    const dir = makeProject({ config: { tiers: TIERS } });
    const run = join(dir, '.land', 'run');
    mkdirSync(run, { recursive: true, mode: 0o700 });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4k,mode=0700', 'tmpfs', run]);
    try {
      writeFileSync(join(run, 'filler'), Buffer.alloc(4096));
      const up = await landDone(['up', '--no-tui'], dir);
      expect(up.code).toBe(1);
      expect(up.stderr).toBe("land: .land/run/land.pid: cannot write land's pid file: ENOSPC (no space left on device)\n");
      expect(readdirSync(run)).toEqual(['filler']); // no temporary file left beside it
    } finally {
      execFileSync('umount', [run]);
    }
  }, 60_000);

  it('a boot that fails lets the folder go: a land status waiting for it says so, exit 3', async () => {
    // The status must find the claim before the boot fails (under CI's load a land took over 1.5 s to start).
    const dir = slowProject(LOADING_MS, true);
    const up = started(['up', '--no-tui'], dir);
    await loading(dir);
    const waited = await landDone(['status'], dir);
    expect((await up.exited).code).toBe(2);
    expect(up.stderr).toMatch(/the config gave up/);
    expect(waited.code).toBe(3);
    expect(waited.stderr).toBe(`land: no stack is running in ${dir}: the land that was starting it (pid ${up.proc.pid}) exited before its stack was up\n`);
    expect(existsSync(pidFile(dir))).toBe(false);
  }, 60_000);

  it('land up -d and land down at the same moment: the stack is stopped, up -d says so (exit 3), nothing is left', async () => {
    // Ready 10 s after it starts: the shutdown, sent as the socket listens, comes first (2 s was missed at load 29,
    // the boots beside it starting their clients too). The stop ends the sleep: the test does not wait for it.
    const dir = slowProject(1000, false, { a: { ...TIERS.a, command: ['sh', '-c', 'sleep 10; echo a up; exec sleep 300'] } });
    const up = started(['up', '-d'], dir);
    await loading(dir);
    const down = await landDone(['down'], dir);
    expect(down.code, down.stderr).toBe(0);
    const exit = await up.exited;
    expect(exit.code, up.stderr).toBe(3);
    const bootId = /boot (\S+)/.exec(down.stdout)![1]!;
    await waitUntil(() => !existsSync(pidFile(dir)), 20_000, 'the background land to exit');
    expect(markedProcesses(bootId)).toEqual([]);
  }, 60_000);

  it('two land up -d at once: the second names the land that runs the stack (not the first -d client, nor a boot that never was)', async () => {
    // Only the first client's load is slow: the land it starts reads the config again, which the second client's
    // answer waits for too, and a second 10 s there made this the file's longest test by 10 s.
    const dir = slowProject(LOADING_MS, false, TIERS, true);
    const first = started(['up', '-d'], dir);
    // The first client holds the folder while it reads the config, before it hands it to the land it starts.
    await loading(dir);
    const second = await landDone(['up', '-d'], dir);
    expect((await first.exited).code, first.stderr).toBe(0);
    const snapshot = await status(dir);
    expect(snapshot.pid).not.toBe(first.proc.pid);
    expect(second.code, second.stderr).toBe(4);
    expect(second.stderr).toBe(`land: land is already running this stack (pid ${snapshot.pid}, boot ${snapshot.bootId}); stop it with \`land down\`\n`);
    expect((await landDone(['down'], dir)).code).toBe(0);
    await waitUntil(() => !existsSync(pidFile(dir)), 20_000, 'the background land to exit');
    expect(markedProcesses(snapshot.bootId)).toEqual([]);
  }, 60_000);
});

// Concurrent too, so that it runs beside the boots above (vitest runs consecutive concurrent suites together).
describe.concurrent('a stack whose land was SIGKILLed with its guardian', () => {
  it('land status says so and names what still runs; land down reaps it by the boot mark and says so', async () => {
    const dir = makeProject({ config: { tiers: { ...TIERS, b: { command: ['sh', '-c', 'sleep 300 & exec sleep 300'] } } } });
    const up = started(['up', '--no-tui'], dir);
    await up.waitFor(/a: starting → ready/);
    const bootId = up.bootId;
    // With its guardian (src/cli/guardian.ts), which would reap them otherwise: both killed at once.
    await killLandAndGuardian(up);
    const orphans = markedProcesses(bootId);
    expect(orphans.length).toBeGreaterThanOrEqual(3); // a's sleep, b's two

    const said = `its land died (pid ${up.proc.pid}, boot ${bootId}) and ${orphans.length} process(es) it started are still running`;
    for (const args of [['status'], ['restart', 'a']]) {
      const result = await landDone(args, dir);
      expect(result.code, args.join(' ')).toBe(3);
      expect(result.stderr).toMatch(new RegExp(`^land: no stack is running in ${dir}: ${said.replace(/[()]/g, '\\$&')} \\(pid [\\d, ]+\\): \`land down\` stops them\\n$`));
    }

    const down = await landDone(['down'], dir);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stderr).toBe(`land: the stack's land had died (pid ${up.proc.pid}, boot ${bootId}): stopped ${orphans.length} process(es) it left running\n`);
    expect(down.stdout).toBe(`land: stack stopped (boot ${bootId})\n`);
    await waitUntil(() => orphans.every((pid) => !isAlive(pid)), 5_000, 'the orphans to go');
    expect(markedProcesses(bootId)).toEqual([]);

    // Nothing is left to stop: as with no stack at all.
    const again = await landDone(['status'], dir);
    expect(again.code).toBe(3);
    expect(again.stderr).toBe(`land: no stack is running in ${dir}: start one with \`land up\`\n`);
    expect((await landDone(['down'], dir)).code).toBe(3);
    // The next land up has nothing to reap.
    const next = started(['up', '--no-tui'], dir);
    await next.waitFor(/a: starting → ready/);
    expect(next.stderr).not.toMatch(/reaped/);
    expect(tierOf(await status(dir), 'a').state).toBe('ready');
    await sleep(0);
  }, 60_000);
});
