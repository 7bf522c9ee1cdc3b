/**
 * Faults: an output of land fails under it. The reader of its stdout goes away (`| head -3`), the terminal closes
 * under the UI or the printer, the disk of the logs or of a redirected stdout is full. land never dies of it and
 * never SIGKILLs a child that was not given its stop signal: a pipe or a disk that fails stops only the printing (the
 * stack runs on), a terminal that goes away is a hangup (the stack stops gracefully, exit 0).
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LAND_BIN, isAlive, land, makeProject, markedProcesses, removeProjects, waitUntil, type LandRun } from '../helpers/land.js';
import { cleanUp } from '../control/helpers.js';
import { snapshot, tierWhen } from './support.js';
import { READY, downLeftovers, landOf, readText, sinkChild, stoppedGracefully, type Leftover } from './sink-support.js';

const runs: LandRun[] = [];
const leftovers: Leftover[] = [];
// The tests run side by side (each its own project, land and tmux server): one clean-up after all of them, which an
// afterEach would do to the others' lands. After-hooks run in reverse: the lands go, then the projects.
afterAll(removeProjects);
afterAll(async () => {
  await cleanUp(runs);
  await downLeftovers(leftovers);
});

/** `land down` in `dir`, without holding this process (the tests beside it go on meanwhile); throws unless exit 0. */
const landDown = (dir: string) => promisify(execFile)(process.execPath, [LAND_BIN, 'down'], { cwd: dir });

/** Two tiers that record a graceful stop: one prints a line every `tickMs`, one is quiet. */
function project(tickArgs: Array<string | number> = ['--tick', 50]): string {
  const dir = makeProject({ config: { tiers: {} } });
  writeFileSync(
    join(dir, 'land.config.mjs'),
    `export default ${JSON.stringify({
      tiers: {
        ticker: { command: sinkChild(...tickArgs, '--stopped-dir', dir), ready: READY },
        quiet: { command: sinkChild('--stopped-dir', dir), ready: READY },
      },
    })};\n`,
  );
  return dir;
}

/** Both tiers ready, as the control socket tells it. */
async function bothReady(dir: string): Promise<void> {
  for (const name of ['ticker', 'quiet']) await tierWhen(dir, name, (tier) => tier.state === 'ready', 'ready');
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

// Side by side: each test has its own project, land and terminal, and mostly waits on land.
describe.concurrent('fault: an output of land fails', () => {
  it('stdout closed by its reader (`land up --no-tui | head -3`): land says so on stderr, keeps supervising and logging, and `land down` stops every tier with its signal, exit 0', async () => {
    const dir = project();
    const shell = spawn('sh', ['-c', `(node ${LAND_BIN} up --no-tui 2>err.txt; echo $? > code.txt) | head -3 > head.txt`], {
      cwd: dir,
      stdio: 'ignore',
      env: { ...process.env, NO_COLOR: '1' },
    });
    const shellDone = new Promise((resolve) => shell.once('close', resolve));
    const live = await landOf(dir);
    leftovers.push(live);
    await waitUntil(() => readText(join(dir, 'head.txt')).split('\n').length > 3, 20_000, 'head to have its 3 lines');
    await waitUntil(() => /stdout failed \(EPIPE\)/.test(readText(join(dir, 'err.txt'))), 20_000, 'land to notice the closed pipe');
    await bothReady(dir);
    expect(isAlive(live.pid)).toBe(true);
    // The log file goes on after the pipe is gone.
    const log = join(dir, '.land', 'logs', live.bootId, 'ticker.log');
    const before = fileSize(log);
    await waitUntil(() => fileSize(log) > before + 100, 10_000, 'the ticker log to grow');
    expect(stoppedGracefully(dir)).toEqual([]);

    await landDown(dir);
    await shellDone;
    expect(readText(join(dir, 'code.txt')).trim()).toBe('0');
    expect(stoppedGracefully(dir)).toEqual(['quiet', 'ticker']);
    expect(markedProcesses(live.bootId)).toEqual([]);
    expect(readText(join(dir, 'err.txt'))).not.toMatch(/fatal|Assertion|Segmentation/);
  });

  const terminals: Array<[string, string[]]> = [
    ['the UI', []],
    ['the printer (--no-tui)', ['--no-tui']],
  ];
  it.each(terminals)(
    'the terminal closed under %s (tmux pane killed: EIO, no SIGHUP reaches land): the stack stops gracefully, exit 0, no assertion or SIGSEGV',
    async (_what, args) => {
      const dir = project();
      const tmux = tmuxServer();
      // The shell ignores the hangup so that it lives to write land's exit code; land itself gets none (it is not
      // the session's leader) and must notice the terminal by its errors.
      tmux.run('new-session', '-d', '-s', 'ui', '-x', '100', '-y', '30', '-c', dir, '-e', 'NO_COLOR=1',
        `sh -c 'trap "" HUP; node ${LAND_BIN} up ${args.join(' ')} 2>err.txt; echo $? > code.txt'`);
      const live = await landOf(dir);
      leftovers.push(live);
      await bothReady(dir);
      tmux.kill();
      await waitUntil(() => existsSync(join(dir, 'code.txt')), 30_000, 'land to exit');
      await waitUntil(() => readText(join(dir, 'code.txt')).endsWith('\n'), 5000, 'the exit code');
      expect(readText(join(dir, 'code.txt')).trim()).toBe('0');
      expect(stoppedGracefully(dir)).toEqual(['quiet', 'ticker']);
      expect(markedProcesses(live.bootId)).toEqual([]);
      expect(readText(join(dir, 'err.txt'))).not.toMatch(/fatal|Assertion|Segmentation/);
    },
  );

  it('the terminal closed under the UI of a land that leads the terminal\'s session (SIGHUP and EIO at once): the stack stops gracefully and land is gone', async () => {
    const dir = project();
    const tmux = tmuxServer();
    tmux.run('new-session', '-d', '-s', 'ui', '-x', '100', '-y', '30', '-c', dir, `exec node ${LAND_BIN} up 2>err.txt`);
    const live = await landOf(dir);
    leftovers.push(live);
    await bothReady(dir);
    tmux.kill();
    await waitUntil(() => !isAlive(live.pid), 30_000, 'land to exit');
    expect(stoppedGracefully(dir)).toEqual(['quiet', 'ticker']);
    expect(markedProcesses(live.bootId)).toEqual([]);
    expect(existsSync(join(dir, '.land', 'run', 'land.pid'))).toBe(false); // a clean exit removes it
    expect(readText(join(dir, 'err.txt'))).not.toMatch(/fatal|Assertion|Segmentation/);
  });

  it('the log disk full (a 1 MiB tmpfs under .land/logs): land keeps supervising and relaying, says so once per tier, writes the log again once there is room, and stops gracefully', async () => {
    const dir = project(['--tick', 10, '--pad', 1000]);
    const logs = join(dir, '.land', 'logs');
    mkdirSync(logs, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', logs]);
    try {
      // Most of the disk taken already, so the ticker fills the rest within a second or so.
      const filler = join(logs, 'filler');
      writeFileSync(filler, Buffer.alloc(1024 * 1024 - 96 * 1024));
      const run = land(['up', '--no-tui'], dir);
      runs.push(run);
      await run.waitFor(/ticker: log-file: log file .*ticker\.log: .*ENOSPC.*; output goes on without it/, 30_000);
      await bothReady(dir);
      // Still relayed while the file cannot take it: the recent lines move on.
      const tickOf = (text: string) => Number(/tick (\d+)/.exec(text)?.[1] ?? -1);
      const first = tickOf((await snapshot(dir)).tiers.find((tier) => tier.name === 'ticker')!.lastLine ?? '');
      await waitUntil(() => run.stdout.includes(`ticker   | tick ${first + 20}`), 10_000, 'ticks after the disk filled');
      expect(run.stdout.match(/ticker: log-file: log file/g)).toHaveLength(1);

      rmSync(filler);
      await run.waitFor(/ticker: log-file: log file writable again; \d+ bytes of output could not be written to it/, 30_000);
      const log = join(logs, run.bootId, 'ticker.log');
      const size = fileSize(log);
      await waitUntil(() => fileSize(log) > size + 5000, 10_000, 'the log to grow again');
      expect((await run.stop()).code).toBe(0);
      expect(stoppedGracefully(dir)).toEqual(['quiet', 'ticker']);
      expect(run.stderr).not.toMatch(/fatal/);
    } finally {
      await cleanUp(runs);
      execFileSync('umount', [logs]);
    }
  });

  it('stdout on a full disk (`land up --no-tui > /dev/full`): printing stops with one line on stderr, the stack runs on, `land down` stops it gracefully, exit 0', async () => {
    const dir = project();
    const shell = spawn('sh', ['-c', `node ${LAND_BIN} up --no-tui > /dev/full 2>err.txt; echo $? > code.txt`], { cwd: dir, stdio: 'ignore' });
    const shellDone = new Promise((resolve) => shell.once('close', resolve));
    const live = await landOf(dir);
    leftovers.push(live);
    await waitUntil(() => /stdout failed \(ENOSPC\)/.test(readText(join(dir, 'err.txt'))), 20_000, 'land to notice the full disk');
    await bothReady(dir);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(isAlive(live.pid)).toBe(true);
    await landDown(dir);
    await shellDone;
    expect(readText(join(dir, 'code.txt')).trim()).toBe('0');
    expect(stoppedGracefully(dir)).toEqual(['quiet', 'ticker']);
    expect(readText(join(dir, 'err.txt')).match(/stdout failed/g)).toHaveLength(1);
  });
});

/** A tmux server of the test's own; `kill` ends it and closes every pty it held. */
function tmuxServer(): { run(...args: string[]): void; kill(): void } {
  const socket = `land-sinks-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  let alive = true;
  const server = {
    run: (...args: string[]) => void tmux(...args),
    kill: () => {
      if (!alive) return;
      alive = false;
      try {
        tmux('kill-server');
      } catch {
        // Gone already.
      }
    },
  };
  servers.push(server);
  return server;
}
const servers: Array<{ kill(): void }> = [];
afterAll(() => {
  for (const server of servers) server.kill();
});
