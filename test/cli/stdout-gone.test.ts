/**
 * Every command's stdout failing under it (README "When an output fails"): a reader that goes away (EPIPE) ends
 * `land logs` quietly with exit 0, and any other command finishes what it does and exits with its own code; any
 * other failure (a full disk) is one line on stderr and exit 1. Never a Node stack trace; `land up` keeps its own
 * rules (its stack runs on).
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { child, isAlive, LAND_BIN, land, landDone, makeProject, markedProcesses, removeProjects, waitUntil, type LandRun } from '../helpers/land.js';
import { cleanUp, status, tierOf } from '../control/helpers.js';

const runs: LandRun[] = [];
// Folders whose stack runs in the background (`land up -d`): a test that fails before its own `land down` must not
// leave that land and its tiers running after the suite. The tests run side by side (each its own folder and stack):
// one clean-up after them all, which an afterEach would run under the others. After-hooks run in reverse: the stacks
// are stopped, then their folders go.
const backgrounds: string[] = [];
afterAll(removeProjects);
afterAll(async () => {
  await cleanUp(runs);
  // Only where a land still holds the folder: after the test's own `land down`, another would cost a node start.
  const held = backgrounds.splice(0).filter((dir) => existsSync(join(dir, '.land', 'run', 'land.pid')));
  await Promise.all(held.map((dir) => landDone(['down'], dir)));
});

interface Ended {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `land <args>` whose stdout is: `closed` (the reader gone before land writes a byte: the read end is closed at
 * once), `first-line` (the reader takes one line and goes, as `| head -1`), or `full` (/dev/full: ENOSPC).
 */
/** `tail -f --pid=<pid> /dev/null` processes whose land has exited (land's reader watch, reader-watch.ts). */
function orphanTails(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        const watched = argv.find((arg) => arg.startsWith('--pid='));
        return argv[0] === 'tail' && argv.includes('/dev/null') && watched !== undefined && !isAlive(Number(watched.slice(6)));
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** GNU tail watchers (reader-watch.ts) of the land with pid `land`. */
function tailsOf(land: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return argv[0] === 'tail' && argv.includes(`--pid=${land}`);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/**
 * `land <args>` whose stdout is one end of a unix socket connection; the test holds the other end, `reader`, which
 * may shut its write side only (`end()`: still reading) or close.
 */
async function landWithSocketStdout(args: string[], cwd: string): Promise<{ reader: Socket; read: () => string; ended: Promise<Ended> }> {
  const path = join(cwd, `reader-${Math.random().toString(36).slice(2)}.sock`);
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(path, resolve));
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  const reader = connect({ path, allowHalfOpen: true });
  const landEnd = await accepted;
  const proc = spawn(process.execPath, [LAND_BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', landEnd, 'pipe'] });
  // land has its own copy now: the test keeps the reader's end only.
  landEnd.destroy();
  server.close();
  let out = '';
  let err = '';
  reader.setEncoding('utf8').on('data', (text: string) => (out += text));
  reader.on('error', () => undefined);
  proc.stderr!.setEncoding('utf8').on('data', (text: string) => (err += text));
  const ended = new Promise<Ended>((resolve) => proc.once('close', (code) => resolve({ code, stdout: out, stderr: err })));
  return { reader, read: () => out, ended };
}

/** A bash command line (a pipeline), its exit code and output. */
function shellPipe(command: string, cwd: string): Promise<Ended> {
  const proc = spawn('bash', ['-c', command], { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
  proc.stderr.setEncoding('utf8').on('data', (text: string) => (err += text));
  return new Promise((resolve) => proc.once('close', (code) => resolve({ code, stdout: out, stderr: err })));
}

function landWithStdout(args: string[], cwd: string, stdout: 'closed' | 'first-line' | 'full'): Promise<Ended> {
  const full = stdout === 'full' ? openSync('/dev/full', 'w') : undefined;
  const proc = spawn(process.execPath, [LAND_BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', full ?? 'pipe', 'pipe'] });
  if (full !== undefined) closeSync(full);
  let out = '';
  let err = '';
  proc.stderr!.setEncoding('utf8').on('data', (text: string) => (err += text));
  if (stdout === 'closed') proc.stdout!.destroy();
  if (stdout === 'first-line') {
    proc.stdout!.setEncoding('utf8').on('data', (text: string) => {
      out += text;
      if (out.includes('\n')) {
        out = out.slice(0, out.indexOf('\n') + 1);
        proc.stdout!.destroy();
      }
    });
  }
  return new Promise((resolve) => proc.once('close', (code) => resolve({ code, stdout: out, stderr: err })));
}

/** A background stack with a tier that prints every 30 ms; `up` is its `land up -d` client. */
async function chattyStack(): Promise<{ dir: string; up: LandRun }> {
  const dir = makeProject({
    config: {
      tiers: {
        chatty: { command: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.03; done'] },
        quiet: { command: ['sh', '-c', 'echo once; exec sleep 1000'] },
      },
    },
  });
  const up = land(['up', '-d'], dir);
  runs.push(up);
  backgrounds.push(dir);
  return { dir, up };
}


/**
 * `land logs -f` whose stdout is a pipe to a reader that waits for its end, under a parent that never reaps it (a
 * sleep exec'd in its place), as a program that reads a killed child's output to the end before it waits for the
 * child; then `signal` to land: the reader must see the end, and no tail watcher of land's be left.
 * `withoutSetpriv`: a PATH with tail and no setpriv (macOS, busybox, util-linux < 2.33): plain tail, no pdeathsig.
 */
async function neverReapedLogs(signal: NodeJS.Signals, options: { withoutSetpriv?: boolean } = {}): Promise<void> {
  const dir = makeProject({ config: { tiers: { quiet: { command: ['sh', '-c', 'echo once; exec sleep 1000'] } } } });
  let path = '';
  if (options.withoutSetpriv) {
    mkdirSync(join(dir, 'no-setpriv'));
    symlinkSync(execFileSync('sh', ['-c', 'command -v tail'], { encoding: 'utf8' }).trim(), join(dir, 'no-setpriv', 'tail'));
    path = `PATH="${join(dir, 'no-setpriv')}" `;
  }
  const up = land(['up', '-d'], dir);
  runs.push(up);
  backgrounds.push(dir);
  await up.exited;
  const logs = `sh -c 'echo $$ > land.pid.test; ${path}exec "${process.execPath}" "${LAND_BIN}" logs quiet -f'`;
  const parent = spawn('sh', ['-c', `${logs} | { cat >/dev/null; touch reader-saw-end; } & exec sleep 300`], { cwd: dir, stdio: 'ignore' });
  try {
    // The shell creates the file before it writes the pid: read it once the line is whole.
    const pidLine = () => (existsSync(join(dir, 'land.pid.test')) ? readFileSync(join(dir, 'land.pid.test'), 'utf8') : '');
    await waitUntil(() => pidLine().endsWith('\n'), 30_000, 'land logs to start');
    const pid = Number(pidLine());
    await waitUntil(() => tailsOf(pid).length > 0, 30_000, 'the reader watch to start');
    process.kill(pid, signal);
    await waitUntil(() => existsSync(join(dir, 'reader-saw-end')), 10_000, 'the reader to see the end of the output');
    expect(tailsOf(pid)).toEqual([]);
  } finally {
    parent.kill('SIGKILL');
  }
  expect((await landDone(['down'], dir)).code).toBe(0);
}

// Side by side: each test has its own folder and stack, and mostly waits (on land's heartbeat, a tail, a reader).
describe.concurrent("a command's stdout that fails", () => {
  it('land up -d whose reader went away still waits for the stack, and says nothing of it', async () => {
    const dir = makeProject({ config: { tiers: { a: { command: child('--say', 'up') } } } });
    const up = await landWithStdout(['up', '-d'], dir, 'closed');
    try {
      expect(up.stderr).not.toMatch(/EPIPE|node:events|at /);
      expect(up.code).toBe(0);
      expect(tierOf(await status(dir), 'a').state).toBe('ready');
    } finally {
      await landDone(['down'], dir);
    }
  }, 60_000);

  it('land logs -f ends quietly with exit 0 when its reader goes; other commands end with their own code', async () => {
    const { dir, up } = await chattyStack();
    await up.exited;
    expect(up.stderr).toMatch(/dashboard/);
    for (const args of [['logs', 'chatty', '-f'], ['logs', 'chatty', '-f', '--json'], ['logs', '-f']]) {
      const logs = await landWithStdout(args, dir, 'first-line');
      expect(logs, args.join(' ')).toMatchObject({ code: 0, stderr: '' });
      expect(logs.stdout).toMatch(args.includes('--json') ? /^\{"tier":"chatty"/ : /tick|once/);
    }
    const before = tierOf(await status(dir), 'quiet').pid;
    const cases: Array<[string[], number]> = [
      [['status'], 0],
      [['status', '--json'], 0],
      [['logs', 'chatty'], 0],
      [['profiles'], 0],
      [['check', '--json'], 0],
      [['restart', 'quiet'], 0],
    ];
    for (const [args, code] of cases) {
      const ended = await landWithStdout(args, dir, 'closed');
      expect(ended, args.join(' ')).toMatchObject({ code, stderr: '' });
    }
    // The restart was done, whoever read its answer.
    expect(tierOf(await status(dir), 'quiet').pid).not.toBe(before);
    const snapshot = await status(dir);
    const down = await landDone(['down'], dir);
    expect(down.code).toBe(0);
    expect(markedProcesses(snapshot.bootId)).toEqual([]);
  }, 120_000);

  it('land logs -f on a quiet stack ends when its reader goes, without waiting for a line; its watcher goes with it', async () => {
    const dir = makeProject({ config: { tiers: { quiet: { command: ['sh', '-c', 'echo once; exec sleep 1000'] }, still: { command: ['sleep', '1000'] } } } });
    const up = land(['up', '-d'], dir);
    runs.push(up);
    backgrounds.push(dir);
    await up.exited;
    for (const args of [['logs', 'quiet', '-f'], ['logs', '-f']]) {
      // The reader takes the recent line and goes; nothing is written after it, so no write can fail. Node's
      // 'pipe' stdio is a socket pair: read on land's heartbeat.
      const logs = await landWithStdout(args, dir, 'first-line');
      expect(logs, args.join(' ')).toMatchObject({ code: 0, stderr: '' });
      expect(logs.stdout).toMatch(/once/);
      // A shell's pipe: watched by the tail land lends its stdout.
      const piped = await shellPipe(`"${process.execPath}" "${LAND_BIN}" ${args.join(' ')} | head -1; echo "land exited \${PIPESTATUS[0]}"`, dir);
      expect(piped, args.join(' ')).toMatchObject({ code: 0, stderr: '' });
      expect(piped.stdout).toMatch(/once.*\nland exited 0\n$/);
    }
    // That tail is gone with land (it holds the pipe's write end): none watches a land that has exited.
    await waitUntil(() => orphanTails().length === 0, 10_000, 'the reader watchers to end');
    expect((await landDone(['down'], dir)).code).toBe(0);
  }, 120_000);

  it('land logs -f keeps following a socket reader that only shut its own write side, and ends when it closes', async () => {
    const quiet = 'echo once; while [ ! -e go ]; do sleep 0.05; done; echo later; exec sleep 1000';
    const dir = makeProject({ config: { tiers: { quiet: { command: ['sh', '-c', quiet] } } } });
    const up = land(['up', '-d'], dir);
    runs.push(up);
    backgrounds.push(dir);
    await up.exited;
    const [half, full] = [await landWithSocketStdout(['logs', 'quiet', '-f'], dir), await landWithSocketStdout(['logs', 'quiet', '-f'], dir)];
    // 30 s for start-ups, beside the file's other tests (10 s was missed at load 25): a wait for what must come.
    await waitUntil(() => half.read().includes('once') && full.read().includes('once'), 30_000, 'the first line');
    // shutdown(SHUT_WR): it says it will send nothing more, and goes on reading.
    half.reader.end();
    full.reader.destroy();
    // The reader that closed is noticed on land's heartbeat, without a line to write…
    expect(await full.ended).toMatchObject({ code: 0, stderr: '' });
    // …and so would the half-closed one have been by now, were it taken for gone (a second's heartbeat, twice over).
    await sleep(2000);
    writeFileSync(join(dir, 'go'), '');
    await waitUntil(() => half.read().includes('later'), 30_000, 'the later line through the half-closed socket');
    half.reader.destroy();
    expect(await half.ended).toMatchObject({ code: 0, stderr: '' });
    expect((await landDone(['down'], dir)).code).toBe(0);
  }, 60_000);

  it('land logs -f killed with SIGKILL and never reaped ends its pipe all the same: its tail watcher goes with it', async () => {
    await neverReapedLogs('SIGKILL');
  }, 60_000);

  it('land logs -f without setpriv, hung up and never reaped, ends its pipe all the same: it stops its tail watcher first', async () => {
    // A terminal that closes: SIGHUP. Before, land died of it and its tail (--pid sees an unreaped land as alive)
    // held the pipe: the reader never saw the end.
    await neverReapedLogs('SIGHUP', { withoutSetpriv: true });
  }, 60_000);

  it('a check that finds problems exits 2 whoever reads it', async () => {
    const dir = makeProject({ config: { tiers: { a: { command: [] } } } });
    const check = await landWithStdout(['check', '--json'], dir, 'closed');
    expect(check).toMatchObject({ code: 2, stderr: '' });
  });

  it('a full disk under stdout: one line on stderr, exit 1 (land logs -f included)', async () => {
    const { dir, up } = await chattyStack();
    await up.exited;
    for (const args of [['status'], ['logs', 'chatty'], ['logs', 'chatty', '-f']]) {
      const ended = await landWithStdout(args, dir, 'full');
      expect(ended, args.join(' ')).toMatchObject({ code: 1, stderr: 'land: could not write to stdout (ENOSPC)\n' });
    }
    expect((await landDone(['down'], dir)).code).toBe(0);
  }, 120_000);
});
