/**
 * Issue 12, "clients and files": `land down` against a land its parent never reaps, control clients against a land
 * stopped with SIGSTOP, streaming clients through a flood and a wide stack of long lines, and the folders and pid
 * file land writes (never through a link, never another user's, a file in their place a one-line error).
 */
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { socketPath } from '../../src/control/paths.js';
import { RemoteControl } from '../../src/control/remote-control.js';
import { cleanUp } from '../control/helpers.js';
import { child, expectCleanRejection, isAlive, LAND_BIN, land, landDone, makeProject, markedProcesses, removeProjects, waitUntil, type LandRun } from '../helpers/land.js';
import { sleeper, tierWhen } from './support.js';

const runs: LandRun[] = [];
const scratch: string[] = [];
afterAll(async () => {
  await cleanUp(runs);
  removeProjects();
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

const UP = ['up', '--no-tui'];
const marker = { command: child('--touch', 'started.flag') };
const OTHER_UID = 65534;

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

/** A project so deep that its socket path does not fit a Unix socket address: land falls back to $TMPDIR. */
function deepProject(): string {
  const shallow = makeProject({ config: { tiers: { a: marker } } });
  const dir = join(shallow, 'd'.repeat(60), 'e'.repeat(60));
  mkdirSync(join(dir, 'profiles'), { recursive: true });
  writeFileSync(join(dir, 'land.config.mjs'), `export default ${JSON.stringify({ tiers: { a: marker } })};\n`);
  writeFileSync(join(dir, 'profiles', 'debug.env'), '');
  return dir;
}

interface FileCase {
  name: string;
  prepare(dir: string): void;
  expected: RegExp;
  /** Checked after the rejection: what must not have changed. */
  after?(dir: string): void;
  env?(dir: string): Record<string, string>;
  project?: () => string;
}

const fileCases: FileCase[] = [
  { name: '.land is a file', prepare: (dir) => writeFileSync(join(dir, '.land'), 'notes\n'), expected: /^land: \.land: expected a folder, found a file: land will not use it/ },
  {
    name: '.land/run is a file',
    prepare: (dir) => {
      mkdirSync(join(dir, '.land'));
      writeFileSync(join(dir, '.land', 'run'), 'notes\n');
    },
    expected: /^land: \.land\/run: expected a folder, found a file: land will not use it/,
  },
  {
    name: '.land/run is a symbolic link to a folder: never followed, the target never chmodded',
    prepare: (dir) => {
      mkdirSync(join(dir, 'elsewhere'));
      chmodSync(join(dir, 'elsewhere'), 0o755);
      mkdirSync(join(dir, '.land'));
      symlinkSync(join(dir, 'elsewhere'), join(dir, '.land', 'run'));
    },
    expected: /^land: \.land\/run: is a symbolic link: land will not use it \(remove the link/,
    after: (dir) => {
      expect(statSync(join(dir, 'elsewhere')).mode & 0o777).toBe(0o755);
      expect(existsSync(join(dir, 'elsewhere', 'land.sock'))).toBe(false);
    },
  },
  {
    name: '.land/run owned by another user: a clear error, never chmodded',
    prepare: (dir) => {
      mkdirSync(join(dir, '.land', 'run'), { recursive: true });
      chmodSync(join(dir, '.land', 'run'), 0o755);
      chownSync(join(dir, '.land', 'run'), OTHER_UID, OTHER_UID);
    },
    expected: new RegExp(`^land: \\.land/run: is owned by another user \\(uid ${OTHER_UID}, land runs as uid \\d+\\): land will not use it`),
    after: (dir) => expect(statSync(join(dir, '.land', 'run')).mode & 0o777).toBe(0o755),
  },
  {
    name: 'the $TMPDIR fallback folder (a long project path) is a symbolic link',
    project: deepProject,
    env: (dir) => ({ TMPDIR: join(dir, 'tmp') }),
    prepare: (dir) => {
      mkdirSync(join(dir, 'tmp'));
      mkdirSync(join(dir, 'attacker'));
      chmodSync(join(dir, 'attacker'), 0o777);
      symlinkSync(join(dir, 'attacker'), join(dir, 'tmp', `land-${process.getuid!()}`));
    },
    expected: /^land: .*tmp\/land-\d+: is a symbolic link: land will not use it/,
    after: (dir) => expect(statSync(join(dir, 'attacker')).mode & 0o777).toBe(0o777),
  },
  {
    name: 'the $TMPDIR fallback folder is owned by another user',
    project: deepProject,
    env: (dir) => ({ TMPDIR: join(dir, 'tmp') }),
    prepare: (dir) => {
      mkdirSync(join(dir, 'tmp', `land-${process.getuid!()}`), { recursive: true });
      chmodSync(join(dir, 'tmp', `land-${process.getuid!()}`), 0o777);
      chownSync(join(dir, 'tmp', `land-${process.getuid!()}`), OTHER_UID, OTHER_UID);
    },
    expected: /^land: .*tmp\/land-\d+: is owned by another user \(uid 65534, land runs as uid \d+\): land will not use it/,
    after: (dir) => expect(statSync(join(dir, 'tmp', `land-${process.getuid!()}`)).mode & 0o777).toBe(0o777),
  },
];

// The tests of this file have their projects to themselves, and wait much (a bound of 10 s, a land stopped for 5 s):
// they run side by side, the floods first (the limit is five at a time). One runs alone, last (below).
describe.concurrent('fault: streaming clients through a flood and a wide stack', () => {
  it('land logs -f through a 200 000-line flood, stopped for 3 s (Ctrl-Z, fg): no line lost, in order, then exit 0 when the stack stops', async () => {
    const lines = 200_000;
    const { dir, run, follow, exited, out } = await followFlood(lines);
    writeFileSync(join(dir, 'go'), '');
    // A follower stopped for a while (Ctrl-Z, then fg): it reads nothing, land holds the tier back instead of dropping.
    await waitUntil(() => /^f line /m.test(out.text), 20_000, 'the first lines');
    follow.kill('SIGSTOP');
    await sleep(3000);
    follow.kill('SIGCONT');
    let gone = false;
    void exited.then(() => (gone = true));
    await waitUntil(() => gone || out.done, 240_000, 'flood done');
    expect(gone, `the follower exited early: ${out.stderr}`).toBe(false);
    expect((await landDone(['down'], dir)).code).toBe(0);
    expect(await exited).toBe(0);
    expect(out.stderr).toBe('');
    // Every line, in order.
    expectEveryLine(out.text, lines);
    await run.exited;
  }, 360_000);

  it('a follower that stays behind past the bound is cut off with one line and exit 6, and the stack goes on', async () => {
    // As above: the flood starts once the follower has attached (a late one would find it over, and never fall behind).
    const command = child('--say', 'waiting', '--after-file', 'go', '--flood', 200_000);
    const dir = makeProject({ config: { tiers: { f: { command, restart: { policy: 'never' } }, b: sleeper('b') } } });
    const run = land(UP, dir);
    runs.push(run);
    await run.waitFor(/b: starting → ready/);
    const follow = spawn(process.execPath, [LAND_BIN, 'logs', 'f', '-f'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let got = '';
    follow.stdout.setEncoding('utf8').on('data', (chunk: string) => (got = (got + chunk).slice(-1000)));
    follow.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => follow.once('close', (code) => resolve(code)));
    await waitUntil(() => got.includes('waiting'), 20_000, 'the follower attached');
    writeFileSync(join(dir, 'go'), '');
    await waitUntil(() => /f line /.test(got), 20_000, 'the first lines');
    // Land's stdout ends with the flood's last line: watched by its tail (the whole is ~19 MB, too much to scan each poll).
    let tail = '';
    run.proc.stdout!.on('data', (text: string) => (tail = (tail + text).slice(-100)));
    follow.kill('SIGSTOP');
    // Stopped past the bound (10 s reading nothing while it holds the stack's output back), it is cut off and lets
    // go: the stack goes on, and the flood finishes while the follower is still stopped.
    await waitUntil(() => tail.includes('flood done'), 120_000, 'flood done with the follower stopped');
    follow.kill('SIGCONT');
    expect(await exited).toBe(6);
    expect(stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^land: the log stream of f was cut off before the stack stopped/)]);
    expect(run.proc.exitCode).toBeNull();
    expect((await run.stop()).code).toBe(0);
  }, 240_000);

  it("the events stream (land watch's) attaches to 64 tiers of long lines and follows until the stack stops", async () => {
    const tiers: Record<string, unknown> = {};
    for (let i = 0; i < 64; i++) {
      // 200 lines of 4 KB each, then a ready line: 51 MB of recent lines in all.
      const script = `awk 'BEGIN{s=sprintf("%4096s",""); gsub(/ /,"x",s); for(i=0;i<200;i++) print i s}'; echo t${i} up; exec sleep 300`;
      tiers[`t${i}`] = { command: ['sh', '-c', script], ready: { log: `t${i} up` } };
    }
    const dir = makeProject({ config: { tiers } });
    const run = land(UP, dir);
    runs.push(run);
    // Through the socket: scanning 51 MB of printed output for the ready lines would cost more than the stack.
    await waitUntil(() => existsSync(socketPath(dir)), 30_000, 'the control socket');
    for (let i = 0; i < 64; i++) await tierWhen(dir, `t${i}`, (tier) => tier.state === 'ready', 'ready', 90_000);
    const remote = await RemoteControl.connect(socketPath(dir));
    try {
      expect(remote.snapshot().tiers).toHaveLength(64);
      for (let i = 0; i < 64; i++) {
        const lines = remote.logs(`t${i}`);
        expect(lines.length).toBeGreaterThan(0);
        expect(lines.at(-1)!.line).toBe(`t${i} up`);
      }
      const seen: string[] = [];
      remote.subscribe((event) => {
        if (event.type === 'state') seen.push(`${event.tier}:${event.to}`);
      });
      await remote.restartTier('t5');
      await waitUntil(() => seen.includes('t5:ready'), 30_000, 't5 ready again');
      await remote.shutdown('test');
      expect(remote.lost).toBe(false);
    } finally {
      remote.close();
    }
    expect((await run.exited).code).toBe(0);
  }, 240_000);
});

describe.concurrent('bad input: what stands where land keeps its socket and pid file (one line, exit 2, nothing started)', () => {
  for (const testCase of fileCases) {
    it(`files: ${testCase.name}`, async () => {
      const dir = testCase.project ? testCase.project() : makeProject({ config: { tiers: { a: marker } } });
      testCase.prepare(dir);
      const result = await landDone(UP, dir, testCase.env?.(dir));
      expectCleanRejection(result, dir, testCase.expected);
      testCase.after?.(dir);
    });
  }
});

describe.concurrent('fault: the pid file is a symbolic link', () => {
  it('land replaces the link with its own file and never writes through it', async () => {
    const dir = makeProject({ config: { tiers: { a: sleeper('a') } } });
    writeFileSync(join(dir, 'victim.txt'), 'precious\n');
    mkdirSync(join(dir, '.land', 'run'), { recursive: true, mode: 0o700 });
    symlinkSync(join(dir, 'victim.txt'), join(dir, '.land', 'run', 'land.pid'));
    const run = land(UP, dir);
    runs.push(run);
    await run.waitFor(/a: starting → ready/);
    expect(readFileSync(join(dir, 'victim.txt'), 'utf8')).toBe('precious\n');
    const pidFile = join(dir, '.land', 'run', 'land.pid');
    expect(lstatSync(pidFile).isFile()).toBe(true);
    expect(JSON.parse(readFileSync(pidFile, 'utf8'))).toMatchObject({ pid: run.proc.pid });
    expect((await run.stop()).code).toBe(0);
    expect(readFileSync(join(dir, 'victim.txt'), 'utf8')).toBe('precious\n');
  });
});

describe.concurrent('fault: a land whose parent never reaps it', () => {
  it('land down returns once land has exited, though it lingers as a zombie', async () => {
    const dir = makeProject({ config: { tiers: { a: sleeper('a') } } });
    const out = join(dir, 'land.out');
    // sh starts land, then becomes `sleep`, which never waits for its children: land's exit leaves a zombie.
    const parent = spawn('sh', ['-c', `"${process.execPath}" "${LAND_BIN}" up --no-tui > "${out}" 2>&1 & exec sleep 120`], { cwd: dir, stdio: 'ignore' });
    try {
      await waitUntil(() => existsSync(out) && /a: starting → ready/.test(readFileSync(out, 'utf8')), 30_000, 'land up');
      const landPid = (JSON.parse(readFileSync(join(dir, '.land', 'run', 'land.pid'), 'utf8')) as { pid: number }).pid;
      const down = land(['down'], dir);
      const finished = await Promise.race([down.exited, sleep(30_000).then(() => undefined)]);
      expect(finished, `land down did not return; its output: ${down.output}`).toBeDefined();
      expect(finished!.code).toBe(0);
      expect(down.stdout).toMatch(/land: stack stopped/);
      // land is dead but not reaped: a zombie, as its parent never waits.
      expect(readFileSync(`/proc/${landPid}/stat`, 'utf8')).toMatch(/\) Z /);
      expect(isAlive(landPid)).toBe(false);
      const bootId = /boot (\S+) ·/.exec(readFileSync(out, 'utf8'))![1]!;
      expect(markedProcesses(bootId)).toEqual([]);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});

describe.concurrent('fault: a land that does not answer', () => {
  it('stopped with SIGSTOP: status, logs, stop and down fail within seconds with one line and exit 5; after SIGCONT all is well', async () => {
    const dir = makeProject({ config: { tiers: { a: sleeper('a') } } });
    const run = land(UP, dir);
    runs.push(run);
    await run.waitFor(/a: starting → ready/);
    process.kill(run.proc.pid!, 'SIGSTOP');
    try {
      const results = await Promise.all(
        [['status'], ['logs', 'a'], ['stop', 'a'], ['down']].map(async (args) => {
          const started = Date.now();
          const result = await Promise.race([landDone(args, dir), sleep(40_000).then(() => undefined)]);
          return { args, result, tookMs: Date.now() - started };
        }),
      );
      for (const { args, result } of results) {
        expect(result, `land ${args.join(' ')} never returned`).toBeDefined();
        expect(result!.code, `${args.join(' ')}: ${result!.stderr}`).toBe(5);
        expect(result!.stdout).toBe('');
        expect(result!.stderr.trimEnd().split('\n')).toEqual([
          expect.stringMatching(new RegExp(`^land: the stack in \\S+ did not answer within 5 s: land pid ${run.proc.pid} is stopped \\(SIGSTOP or Ctrl-Z\\): resume it with \`kill -CONT ${run.proc.pid}\`$`)),
        ]);
      }
    } finally {
      process.kill(run.proc.pid!, 'SIGCONT');
    }
    // Running again, land answers and stops cleanly (the requests that timed out may reach it too: no harm).
    expect((await run.stop()).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
  });
});

/**
 * A tier `f` that floods `lines` numbered lines once `go` exists, and a real `land logs f -f` attached to it. The
 * flood starts once the follower has attached (it has the child's first line), not after a delay that a follower
 * slow to start on a loaded machine could miss: it would then see only the recent lines.
 */
async function followFlood(lines: number) {
  const command = child('--say', 'waiting', '--after-file', 'go', '--flood', lines);
  const dir = makeProject({ config: { tiers: { f: { command, restart: { policy: 'never' } } } } });
  const run = land(UP, dir);
  runs.push(run);
  // Printing the flood through land's own stdout too is not the point: keep land's output small.
  await run.waitFor(/f: starting → ready/);
  const follow = spawn(process.execPath, [LAND_BIN, 'logs', 'f', '-f'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  // `done`: 'flood done' has come, found in each chunk and the end of the one before (a search of the whole text,
  // many MB, each 25 ms cost more CPU than the flood).
  const out = { text: '', stderr: '', done: false };
  let end = '';
  follow.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out.text += chunk;
    out.done ||= (end + chunk).includes('flood done');
    end = chunk.slice(-16);
  });
  follow.stderr.setEncoding('utf8').on('data', (chunk: string) => (out.stderr += chunk));
  const exited = new Promise<number | null>((resolve) => follow.once('close', (code) => resolve(code)));
  await waitUntil(() => out.text.includes('waiting'), 20_000, 'the follower attached');
  return { dir, run, follow, exited, out };
}

/** The flood's lines 0..lines-1, each once, in order. */
function expectEveryLine(text: string, lines: number): void {
  const numbers = [...text.matchAll(/^f line (\d+) /gm)].map((match) => Number(match[1]));
  expect(numbers).toHaveLength(lines);
  expect(numbers.every((n, i) => n === i)).toBe(true);
}


// Alone, after the rest: its follower must not stay behind for the 10 s bound, which a busy machine could make it.
describe('fault: a streaming client behind at the stop', () => {
  it('land logs -f behind when the stack stops (it reads again right after): every line, then exit 0, not cut off at the close', async () => {
    // Less than the 1 MiB the stream buffers before holding the tier back, more than the pipes and the socket hold.
    const lines = 9000;
    const { dir, run, follow, exited, out } = await followFlood(lines);
    // Its reader stops reading: the follower's stdout fills, it stops reading the stream, land's answer waits.
    follow.stdout.pause();
    writeFileSync(join(dir, 'go'), '');
    await run.waitFor(/flood done/);
    run.proc.kill('SIGINT');
    await run.waitFor(/every tier stopped/);
    follow.stdout.resume();
    // Cut off at the close, it lost the tail and exited 6 ("cut off before the stack stopped").
    expect(await exited).toBe(0);
    expect(out.stderr).toBe('');
    expectEveryLine(out.text, lines);
    expect(out.text).toMatch(/flood done\n/);
    expect((await run.exited).code).toBe(0);
  });
});
