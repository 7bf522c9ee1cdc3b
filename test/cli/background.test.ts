/**
 * `land up -d` (`--background`): the command returns once every tier is up, with the stack running on in a detached
 * land (`land status` answers, `land down` stops it, nothing is left); a tier that fails its readiness probe is a
 * non-zero exit naming it; bad input, a second land and a busy port are one line and exit 2/4 with nothing running;
 * the background land's own output goes to a bounded file under .land/run.
 */
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { child, expectCleanRejection, LAND_BIN, freePort, guardianStarted, isAlive, land as startLand, landDone, makeProject, markedProcesses, removeProjects, waitUntil } from '../helpers/land.js';
import { status, tierOf, waitForTier } from '../control/helpers.js';
import { openOutput } from '../../src/cli/background-output.js';
import { downLeftovers, landOf, type Leftover } from '../faults/sink-support.js';

// What a failed test left running, stopped once the file is done: its tests run side by side (an afterEach would stop
// the others' stacks).
const leftovers: Leftover[] = [];
afterAll(async () => {
  await downLeftovers(leftovers);
  removeProjects();
});

const OUTPUT = join('.land', 'run', 'background.log');

/** db says it is ready after a while; api waits for it. */
function twoTiers(api: Record<string, unknown> = {}): string {
  return makeProject({
    config: {
      tiers: {
        db: { command: child('--delay', 300, '--say', 'db ready'), ready: { log: 'db ready' } },
        api: { command: child('--say', 'api ready'), dependsOn: { db: 'ready' }, ready: { log: 'api ready' }, ...api },
      },
    },
  });
}

// Each test has its own projects and mostly waits on its stacks: they run side by side.
describe.concurrent('land up -d', () => {
  it('returns once every tier is ready, exit 0; the stack runs on; a second -d is refused, one after a land killed outright is not; the output file is bounded; land down stops it', async () => {
    const dir = twoTiers();
    const up = await landDone(['up', '-d'], dir);
    const land = await landOf(dir);
    leftovers.push(land);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/^db\s+ready\s/m);
    expect(up.stdout).toMatch(/^api\s+ready\s/m);
    expect(up.stdout).toMatch(/`land logs -f` follows every tier \(`land logs <tier> -f` one\).*`land down` stops it/);
    expect(up.stderr).toMatch(/^land: dashboard on http:\/\/127\.0\.0\.1:\d+\//m);
    // The command has exited; its stack has not.
    expect(isAlive(land.pid)).toBe(true);
    expect(tierOf(await status(dir), 'api').state).toBe('ready');

    const second = await landDone(['up', '-d'], dir);
    expect(second.code).toBe(4);
    expect(second.stderr).toMatch(/^land: land is already running this stack \(pid \d+/);
    expect(second.stderr.trimEnd().split('\n')).toHaveLength(1);

    // A background land killed outright is nobody's child any more: a pid 1 that does not reap leaves it a zombie,
    // which is no land running this stack. Its guardian first (src/cli/guardian.ts: it would reap the boot itself),
    // so that the next land up has something to reap.
    process.kill(await guardianStarted(land.pid), 'SIGKILL');
    process.kill(land.pid, 'SIGKILL');
    await waitUntil(() => !isAlive(land.pid), 10_000, 'the land to die');
    const again = await landDone(['up', '-d'], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/^land: reaped \d+ process\(es\) left by a land that died \(pid \d+/m);
    expect(markedProcesses(land.bootId)).toEqual([]);
    const next = await landOf(dir);
    expect(next.pid).not.toBe(land.pid);
    leftovers.push(next);

    // land's own lines only: the children's are in their log files.
    const output = join(dir, OUTPUT);
    const text = readFileSync(output, 'utf8');
    expect(text).toContain(`land: boot ${next.bootId}`);
    expect(text).not.toContain('db ready');
    expect(statSync(output).mode & 0o077).toBe(0);
    // Whatever writes to it, the land keeps it under 1 MiB: what was there goes to background.log.1.
    appendFileSync(output, `${'x'.repeat(1023)}\n`.repeat(2048));
    await waitUntil(() => statSync(output).size < 1024 * 1024, 10_000, 'the output file to be cut');
    expect(readFileSync(`${output}.1`, 'utf8')).toContain(`land: boot ${next.bootId}`);

    const down = await landDone(['down'], dir);
    expect(down.code).toBe(0);
    expect(isAlive(next.pid)).toBe(false);
    expect(markedProcesses(next.bootId)).toEqual([]);
  });

  it('prints the dashboard and control API lines with their tokens as it returns; they are in no file; land dashboard says the URL again', async () => {
    const dir = makeProject({ config: { tiers: { api: { command: child('--say', 'api ready'), ready: { log: 'api ready' } } } } });
    const up = await landDone(['up', '-d', '--control-port', '0'], dir);
    const land = await landOf(dir);
    leftovers.push(land);
    expect(up.code, up.stderr).toBe(0);
    const url = /^land: dashboard on (http:\/\/127\.0\.0\.1:\d+\/login\?token=(\S+))$/m.exec(up.stderr);
    const control = /^land: control API on http:\/\/127\.0\.0\.1:\d+ · bearer token (\S+)$/m.exec(up.stderr);
    expect(url, up.stderr).not.toBeNull();
    expect(control, up.stderr).not.toBeNull();
    // No token in a log file: the background land's output (0600) has its boot line, not these.
    const output = readFileSync(join(dir, OUTPUT), 'utf8');
    expect(output).toContain(`land: boot ${land.bootId}`);
    for (const secret of [url![2]!, control![1]!, 'dashboard on', 'control API']) expect(output).not.toContain(secret);
    const again = await landDone(['dashboard'], dir, { DISPLAY: undefined, WAYLAND_DISPLAY: undefined, BROWSER: undefined });
    expect(again.stdout + again.stderr).toContain(url![1]!);
    expect((await landDone(['down'], dir)).code).toBe(0);
  });

  it('run from another folder with -c: its hints carry -c and work from there; its logs and recording are private', async () => {
    const dir = makeProject({
      config: { tiers: { api: { command: child('--say', 'api ready'), ready: { log: 'api ready' } } } },
      files: { '.env.Land.PostHog': 'Record=1\n' },
    });
    const elsewhere = mkdtempSync(join(tmpdir(), 'land-elsewhere-'));
    try {
      const up = await landDone(['up', '-d', '-c', dir], elsewhere);
      const land = await landOf(dir);
      leftovers.push(land);
      expect(up.code, up.stderr).toBe(0);
      const hints = [...up.stdout.matchAll(/`(land [^`]+)`/g)].map((match) => match[1]!);
      const config = relative(elsewhere, join(dir, 'land.config.mjs'));
      expect(hints).toEqual([`land logs -f -c ${config}`, `land logs <tier> -f -c ${config}`, `land status -c ${config}`, `land down -c ${config}`]);
      // The children's output and the boot's recording: private folders and files, as .land/run is.
      const logDir = join(dir, '.land', 'logs', land.bootId);
      await waitUntil(() => existsSync(join(logDir, 'api.log')), 10_000, "api's log file");
      expect(statSync(logDir).mode & 0o777).toBe(0o700);
      expect(statSync(join(logDir, 'api.log')).mode & 0o777).toBe(0o600);
      const recordDir = join(dir, '.land', 'telemetry', land.bootId);
      await waitUntil(() => existsSync(recordDir) && readdirSync(recordDir).length > 0, 10_000, 'the recording');
      expect(statSync(recordDir).mode & 0o777).toBe(0o700);
      // Files 0600; the receiver's folder (spans that arrived first: src/receiver/store/boot-store.ts) 0700.
      for (const entry of readdirSync(recordDir, { withFileTypes: true })) {
        expect(statSync(join(recordDir, entry.name)).mode & 0o777, entry.name).toBe(entry.isDirectory() ? 0o700 : 0o600);
      }
      // The hint works from where the person is.
      const down = await landDone(hints.at(-1)!.split(' ').slice(1), elsewhere);
      expect(down.code, down.stderr).toBe(0);
      expect(isAlive(land.pid)).toBe(false);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('a tier that fails its readiness probe: exit 8, the tier and the probe named; the stack keeps running until land down', async () => {
    const dir = twoTiers({ ready: { log: 'never said', timeoutMs: 500 }, restart: { policy: 'never' } });
    const up = await landDone(['up', '-d'], dir);
    const land = await landOf(dir);
    leftovers.push(land);
    expect(up.code).toBe(8);
    expect(up.stderr).toMatch(/^land: api failed to start: readiness probe \(log never said\) did not pass within 500 ms/m);
    expect(up.stderr).toMatch(/^land: the stack keeps running; `land down` stops it$/m);
    // The stack runs on: its dashboard is there to look at it.
    expect(up.stderr).toMatch(/^land: dashboard on http:\/\/127\.0\.0\.1:\d+\/login\?token=\S+$/m);
    expect(tierOf(await status(dir), 'db').state).toBe('ready');
    expect((await landDone(['down'], dir)).code).toBe(0);
    expect(markedProcesses(land.bootId)).toEqual([]);
  });

  it('a tier that crashes once and is restarted is waited for, its crash said as it happens: exit 0 once both are ready', async () => {
    // flaky exits 1 on its first start, runs on its second; slow is ready after 3 s.
    const dir = makeProject({
      config: {
        tiers: {
          flaky: { command: ['sh', '-c', 'if [ -e started ]; then echo flaky ready; exec sleep 60; fi; touch started; exit 1'], ready: { log: 'flaky ready' } },
          slow: { command: child('--delay', 3000, '--say', 'slow ready'), ready: { log: 'slow ready' } },
        },
      },
    });
    const up = await landDone(['up', '-d'], dir);
    leftovers.push(await landOf(dir));
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toMatch(/^land: flaky crashed: exited with code 1; restarting in 1\.0 s$/m);
    expect(up.stderr).not.toContain('failed to start');
    expect(up.stdout).toMatch(/^flaky\s+ready\s/m);
    expect(up.stdout).toMatch(/^slow\s+ready\s/m);
    expect((await landDone(['down'], dir)).code).toBe(0);
  });

  it('a tier that crashes until its restart budget is spent: exit 8 once land gives up, each crash said before', async () => {
    const dir = makeProject({
      config: {
        tiers: {
          broken: { command: ['sh', '-c', 'exit 3'], restart: { maxRestarts: 1, backoff: { initialMs: 200 } } },
          slow: { command: child('--say', 'slow ready'), ready: { log: 'slow ready' } },
        },
      },
    });
    const up = await landDone(['up', '-d'], dir);
    leftovers.push(await landOf(dir));
    expect(up.code, up.stderr).toBe(8);
    expect(up.stderr).toMatch(/^land: broken crashed: exited with code 3; restarting in 200 ms$/m);
    expect(up.stderr).toMatch(/^land: broken failed to start: exited with code 3 \(.*\)/m);
    expect(tierOf(await status(dir), 'broken').restarts).toBe(1);
    expect((await landDone(['down'], dir)).code).toBe(0);
  });

  it('land restart of a tier during the wait is no failure: the stack comes up, exit 0', async () => {
    // db ends by the signal (sleep does not catch SIGTERM): an unclean exit, as most servers' on a restart.
    const dir = makeProject({
      config: {
        tiers: {
          db: { command: ['sh', '-c', 'sleep 0.3; echo db ready; exec sleep 60'], ready: { log: 'db ready' } },
          api: { command: ['sh', '-c', 'sleep 3; echo api ready; exec sleep 60'], dependsOn: { db: 'ready' }, ready: { log: 'api ready' } },
        },
      },
    });
    const up = startLand(['up', '-d'], dir);
    const land = await landOf(dir);
    leftovers.push(land);
    await waitForTier(dir, 'db', (tier) => tier.state === 'ready', 'ready');
    const restart = await landDone(['restart', 'db'], dir);
    expect(restart.code, restart.stderr).toBe(0);
    const exit = await up.exited;
    expect(exit.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/^db\s+ready\s/m);
    expect((await landDone(['down'], dir)).code).toBe(0);
  });

  it('Ctrl-C while it waits stops the waiting, not the stack: exit 130, and the tier still comes up', async () => {
    const dir = makeProject({ config: { tiers: { slow: { command: child('--delay', 4000, '--say', 'slow ready'), ready: { log: 'slow ready' } } } } });
    const up = startLand(['up', '-d'], dir);
    const land = await landOf(dir);
    leftovers.push(land);
    up.signal('SIGINT');
    expect((await up.exited).code).toBe(130);
    expect(up.stderr).toMatch(/^land: stopped waiting \(SIGINT\); the stack keeps starting in the background/m);
    await waitForTier(dir, 'slow', (tier) => tier.state === 'ready', 'ready');
    expect((await landDone(['down'], dir)).code).toBe(0);
  });

  it('the background land killed during the wait: said so, no token line relayed, its tiers stopped; its code', async () => {
    const dir = makeProject({ config: { tiers: { slow: { command: ['sh', '-c', 'sleep 30; echo slow ready'], ready: { log: 'slow ready' } } } } });
    const up = startLand(['up', '-d'], dir);
    const land = await landOf(dir);
    leftovers.push(land);
    await waitForTier(dir, 'slow', (tier) => tier.state === 'starting', 'starting');
    process.kill(land.pid, 'SIGKILL');
    expect((await up.exited).code).toBe(137);
    // The count may be 0: the land's guardian (src/cli/guardian.ts) races the foreground to reap the boot.
    expect(up.stderr).toMatch(/^land: the background land was killed \(SIGKILL\) before the stack was up; \d+ process\(es\) of its tiers stopped \(its output: /m);
    expect(up.stderr).not.toMatch(/token|dashboard on|control API/);
    expect(markedProcesses(land.bootId)).toEqual([]);
  });

  it('two -d at once: one runs the stack, the other exits 4 with its own line only (no token of the winner); one output file left', async () => {
    const dir = twoTiers();
    const [a, b] = [startLand(['up', '-d'], dir), startLand(['up', '-d'], dir)];
    const land = await landOf(dir);
    leftovers.push(land);
    const codes = [(await a.exited).code, (await b.exited).code];
    const loser = codes[0] === 0 ? b : a;
    expect([...codes].sort()).toEqual([0, 4]);
    // Refused by its background land (both passed the foreground's check), or by its own foreground check when the
    // winner's pid file was already there: either way one line of its own, exit 4.
    expect(loser.stderr).toMatch(/^land: (land is already running this stack \(pid|a stack is already running here \(land pid) \d+/);
    expect(loser.stderr).not.toMatch(/token|dashboard on/);
    const files = readdirSync(join(dir, '.land', 'run')).filter((name) => name.startsWith('background'));
    expect(files).toEqual(['background.log']);
    expect(readFileSync(join(dir, OUTPUT), 'utf8')).toContain(`land: boot ${land.bootId}`);
    expect((await landDone(['down'], dir)).code).toBe(0);
  });

  it("a link where the output file goes: one line naming it, exit 2", () => {
    const dir = makeProject({ config: { tiers: {} } });
    mkdirSync(join(dir, '.land', 'run'), { recursive: true, mode: 0o700 });
    symlinkSync('/tmp/elsewhere', join(dir, '.land', 'run', 'background.1.log'));
    expect(() => openOutput(dir, 'background.1.log')).toThrow(/background\.1\.log: is a symbolic link; expected land's own output file/);
  });

  it('a tier with exitWith: true is refused with -d as the flag is: one line, exit 2, nothing started', async () => {
    const dir = makeProject({ config: { tiers: { e2e: { command: child(), exitWith: true } } } });
    expectCleanRejection(await landDone(['up', '-d'], dir), dir, /^land: exitWith \(on e2e\): not with -d\/--background/);
    expect(existsSync(join(dir, '.land', 'run', 'land.pid'))).toBe(false);
  });

  it('bad config: one line, exit 2, nothing started', async () => {
    const dir = makeProject({ config: { tiers: { api: { command: child(), ready: { logLine: 'x' } } } } });
    expectCleanRejection(await landDone(['up', '-d'], dir), dir, /land\.config\.mjs: tiers\.api\.ready: unknown key "logLine"/);
    expect(existsSync(join(dir, '.land', 'run', 'land.pid'))).toBe(false);
  });

  it('a --wait-timeout no timer can take (past 2^31 ms) or that rounds to 0 ms: one line, exit 2, nothing started', async () => {
    const dir = twoTiers();
    for (const value of ['3000000', '0.0001']) {
      const up = await landDone(['up', '-d', '--wait-timeout', value], dir);
      expect(up.code, value).toBe(2);
      expect(up.stderr, value).toMatch(/^land: up: option '--wait-timeout <seconds>' argument '[\d.]+' is invalid\. expected a number of seconds from 0\.001 to 2147483\n$/);
      expect(existsSync(join(dir, '.land', 'run', 'land.pid'))).toBe(false);
    }
  });

  it("a port the background land cannot have: its error line and exit 2 relayed, nothing left running", async () => {
    const { createServer } = await import('node:net');
    const port = await freePort();
    const holder = createServer().listen(port, '127.0.0.1');
    try {
      const dir = twoTiers();
      const up = await landDone(['up', '-d', '--dashboard-port', String(port)], dir);
      expect(up.code).toBe(2);
      expect(up.stdout).toBe('');
      expect(up.stderr).toBe(`land: --dashboard-port: cannot listen on 127.0.0.1:${port}: address already in use (EADDRINUSE)\n`);
      expect(existsSync(join(dir, '.land', 'logs'))).toBe(false);
      expect(existsSync(join(dir, '.land', 'run', 'land.pid'))).toBe(false);
    } finally {
      holder.close();
    }
  });

  it('the warnings of the background land\'s start-up are said when -d returns, whatever the verdict: up, not up, or its exit relayed', async () => {
    const traceWarning = 'land: ignoring TRACEPARENT from the environment: expected version-traceid-parentid-flags (4 parts separated by "-")\n';
    const bad = { TRACEPARENT: '00-zz-01' };
    const upDir = twoTiers();
    const up = await landDone(['up', '-d', '--no-dashboard'], upDir, bad);
    leftovers.push(await landOf(upDir));
    expect(up.code, up.stderr).toBe(0);
    // Said once, first (before the summary's lines), and still in the output file.
    expect(up.stderr.startsWith(traceWarning)).toBe(true);
    expect(up.stderr.split(traceWarning)).toHaveLength(2);
    expect(readFileSync(join(upDir, OUTPUT), 'utf8')).toContain(traceWarning);

    const failDir = twoTiers({ ready: { log: 'never said', timeoutMs: 500 }, restart: { policy: 'never' } });
    const failed = await landDone(['up', '-d', '--no-dashboard'], failDir, bad);
    leftovers.push(await landOf(failDir));
    expect(failed.code).toBe(8);
    expect(failed.stderr.startsWith(traceWarning)).toBe(true);

    // A receiver port it cannot have: found after telemetry read the TRACEPARENT; the warning, then the relayed line.
    const { createServer } = await import('node:net');
    const port = await freePort();
    const holder = createServer().listen(port, '127.0.0.1');
    try {
      const exited = await landDone(['up', '-d', '--no-dashboard', '--receiver-port', String(port)], twoTiers(), bad);
      expect(exited.code).toBe(2);
      expect(exited.stderr).toMatch(new RegExp(`^${traceWarning.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}land: .*${port}.*\n$`));
    } finally {
      holder.close();
    }
  });

  it("a -d started by another land's one-shot tier outlives that tier: the outer land's sweep does not take it", async () => {
    const inner = twoTiers();
    const outer = makeProject({
      config: {
        tiers: {
          starter: { command: ['sh', '-c', `cd '${inner}' && exec '${process.execPath}' '${LAND_BIN}' up -d`], restart: { policy: 'never' } },
        },
      },
    });
    const up = await landDone(['up', '-d'], outer);
    const outerLand = await landOf(outer);
    leftovers.push(outerLand);
    expect(up.code, up.stderr).toBe(0);
    const innerLand = await landOf(inner);
    leftovers.push(innerLand);
    await waitForTier(outer, 'starter', (tier) => tier.state === 'exited', 'exited');
    // The outer tier's leftovers were cleared at its exit; the inner land is not one of them.
    await sleep(1500);
    expect(isAlive(innerLand.pid)).toBe(true);
    expect(tierOf(await status(inner), 'api').state).toBe('ready');
    expect((await landDone(['down'], inner)).code).toBe(0);
    expect((await landDone(['down'], outer)).code).toBe(0);
    expect(markedProcesses(innerLand.bootId)).toEqual([]);
  });
});
