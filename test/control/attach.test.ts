/**
 * Input to a tier (`stdin: true`): `land attach` with a piped stdin sends its lines and shows the tier's echo (a
 * prompt joined with what follows it, as a terminal shows it), and ends with its input; `land send`; POST
 * /tiers/<tier>/stdin bounded for a tier that never reads (refused past the bound, land alive, and a stop with bytes
 * still queued); a child that closed its stdin (EPIPE, `stdin-closed`) or exited; a tier without the option; a tier
 * with replicas.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { request } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody, StdinResult } from '../../src/control/protocol.js';
import { LAND_BIN, ROOT, land, landDone, makeProject, removeProjects, type LandRun } from '../helpers/land.js';
import { cleanUp, tierOf, status } from './helpers.js';
import { tmuxServer } from '../helpers/tmux.js';

const ECHO = join(ROOT, 'test', 'fixtures', 'stdin-echo.mjs');

const runs: LandRun[] = [];
const sessions: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  // An attach a failed test left running.
  for (const session of sessions.splice(0)) if (session.exitCode === null && session.signalCode === null) session.kill('SIGKILL');
});
const tmux = tmuxServer('attach-test');
afterAll(async () => {
  tmux.kill();
  await cleanUp(runs);
  removeProjects();
});

interface Session {
  proc: ChildProcessWithoutNullStreams;
  readonly stdout: string;
  readonly stderr: string;
  exited: Promise<number | null>;
}

/** `land attach <args>` with its stdin a pipe the test writes to. */
function attach(dir: string, ...args: string[]): Session {
  const proc = spawn(process.execPath, [LAND_BIN, 'attach', ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, stdio: 'pipe' });
  sessions.push(proc);
  let stdout = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  proc.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  // The session may end before the test writes to it (a refusal): that is not the test's failure.
  proc.stdin.on('error', () => undefined);
  const exited = new Promise<number | null>((resolve) => proc.once('close', (code) => resolve(code)));
  return {
    proc,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
  };
}

/** A raw POST of `body` to the stack's socket. */
function post(dir: string, path: string, body: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socketPath = join(dir, '.land', 'run', 'land.sock');
    const req = request({ socketPath, path, method: 'POST', agent: false, headers: { 'content-length': body.length } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const logsOf = async (dir: string, tier: string) => (await landDone(['logs', tier], dir)).stdout;

describe('input to a tier: stdin: true, land attach, land send', () => {
  let dir: string;
  beforeAll(async () => {
    dir = makeProject({
      config: {
        tiers: {
          repl: { command: ['node', ECHO, '--prompt'], stdin: true, ready: { log: 'ready' } },
          deaf: { command: ['sh', '-c', 'echo deaf up; exec sleep 300'], stdin: true, ready: { log: 'deaf up' } },
          plain: { command: ['sh', '-c', 'echo plain up; exec sleep 300'], ready: { log: 'plain up' } },
          closer: { command: ['sh', '-c', 'exec 0<&-; echo closer up; exec sleep 300'], stdin: true, ready: { log: 'closer up' } },
          once: { command: ['node', ECHO, '--once'], stdin: true, ready: { log: 'ready' }, restart: { policy: 'never' } },
          web: { command: ['node', ECHO], stdin: true, replicas: 2, ready: { log: 'ready' } },
          ender: { command: ['node', ECHO, '--sigint'], stdin: true, ready: { log: 'ready' } },
          keys: { command: ['node', ECHO, '--sigint'], stdin: true, ready: { log: 'ready' } },
          // Reads nothing until the test creates `go`, then counts all it is given.
          late: { command: ['sh', '-c', 'echo late up; while [ ! -e go ]; do sleep 0.1; done; echo "counted $(wc -c)"'], stdin: true, ready: { log: 'late up' } },
        },
      },
    });
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    await run.waitFor(/(?=[\s\S]*repl: starting → ready)(?=[\s\S]*deaf: starting → ready)(?=[\s\S]*closer: starting → ready)(?=[\s\S]*once: starting → ready)(?=[\s\S]*web\.2: starting → ready)(?=[\s\S]*ender: starting → ready)(?=[\s\S]*keys: starting → ready)(?=[\s\S]*late: starting → ready)/);
  });

  it('attach sends each piped line to the tier and shows its echo, the prompt joined with it; ends with its input', async () => {
    const session = attach(dir, 'repl');
    session.proc.stdin.write('hello\n');
    await eventually('the echo of hello', async () => session.stdout.includes('echo: HELLO\n'));
    session.proc.stdin.end('world\n');
    expect(await session.exited).toBe(0);
    // Its recent lines first, then the echo after the open prompt (no `…` marks: the fragments are joined).
    expect(session.stdout.startsWith('ready\n> echo: HELLO\n')).toBe(true);
    expect(session.stdout).not.toContain('…');
    expect(session.stderr).toBe('');
    await eventually('the echo of world in the logs', async () => (await logsOf(dir, 'repl')).includes('echo: WORLD'));
    expect(tierOf(await status(dir), 'repl').state).toBe('ready'); // detaching never stops the tier
  });

  it('in a terminal: the terminal echoes the line after the open prompt, Enter sends it; Ctrl-D detaches, then Ctrl-C does', async () => {
    const run = (name: string) =>
      tmux('new-session', '-d', '-s', name, '-x', '200', '-y', '30', `cd ${dir} && node ${LAND_BIN} attach repl -n 1; echo ATTACH-EXITED $?; sleep 60`);
    run('typed');
    // The tier's last line is its open prompt (capture-pane drops its trailing space).
    await tmux.waitForScreen('typed', (text) => /land: attached to repl.*\n>$/m.test(text), 'attach to show the prompt');
    tmux('send-keys', '-t', 'typed', 'in a terminal', 'Enter');
    const screen = await tmux.waitForScreen('typed', (text) => text.includes('echo: IN A TERMINAL'), 'the echo');
    // The prompt the tier left open, what the terminal echoed after it, then the tier's answer on the next line.
    expect(screen).toMatch(/^> in a terminal\necho: IN A TERMINAL$/m);
    tmux('send-keys', '-t', 'typed', 'C-d');
    await tmux.waitForScreen('typed', (text) => text.includes('ATTACH-EXITED 0'), 'Ctrl-D to detach');
    run('interrupted');
    await tmux.waitForScreen('interrupted', (text) => text.includes('land: attached to repl'), 'attach to start');
    tmux('send-keys', '-t', 'interrupted', 'half a li', 'C-c');
    await tmux.waitForScreen('interrupted', (text) => text.includes('ATTACH-EXITED 0'), 'Ctrl-C to detach');
    expect(tierOf(await status(dir), 'repl').state).toBe('ready');
    expect(await logsOf(dir, 'repl')).not.toContain('HALF A LI');
  });

  it('land send --interrupt sends the tier SIGINT; --eof closes its stdin after the text; later writes are refused', async () => {
    expect(await landDone(['send', 'ender'], dir)).toMatchObject({ code: 2, stderr: 'land: <text>: expected the words to send (or --eof, --interrupt)\n' });
    expect(await landDone(['send', '--interrupt', 'ender'], dir)).toMatchObject({ code: 0, stderr: '' });
    await eventually('ender to say interrupted', async () => (await logsOf(dir, 'ender')).includes('interrupted'));
    expect(await landDone(['send', '--eof', 'ender', 'last'], dir)).toMatchObject({ code: 0, stderr: '' });
    await eventually('ender to read its end of input', async () => /echo: LAST\n[\s\S]*stdin closed/.test(await logsOf(dir, 'ender')));
    const after = await landDone(['send', 'ender', 'more'], dir);
    expect(after.code).toBe(4);
    expect(after.stderr).toMatch(/^land: ender takes no more input: its stdin was closed \(land send --eof\); it gets a new one when it starts again\n$/);
    // Its own code on the wire (not `not-running`): a writer tells "this life takes no more" from "not started yet".
    const refused = await post(dir, '/tiers/ender/stdin', Buffer.from('x'));
    expect(refused.status).toBe(409);
    expect((JSON.parse(refused.body) as ApiErrorBody).error.code).toBe('stdin-closed');
    // An interrupt needs no open stdin; the tier runs on.
    expect(await landDone(['send', '--interrupt', 'ender'], dir)).toMatchObject({ code: 0 });
    await eventually('a second interrupted', async () => (await logsOf(dir, 'ender')).split('interrupted').length === 3);
    expect(tierOf(await status(dir), 'ender').state).toBe('ready');
  });

  it('in a terminal: Ctrl-] then c interrupts the tier, Ctrl-] then d closes its stdin, another letter says the two', async () => {
    tmux('new-session', '-d', '-s', 'escapes', '-x', '200', '-y', '30', `cd ${dir} && node ${LAND_BIN} attach keys -n 1; echo ATTACH-EXITED $?; sleep 60`);
    await tmux.waitForScreen('escapes', (text) => text.includes('land: attached to keys'), 'attach to start');
    tmux('send-keys', '-t', 'escapes', 'C-]', 'x', 'Enter');
    await tmux.waitForScreen('escapes', (text) => /^land: Ctrl-\] then c, Enter: interrupt it/m.test(text), 'the escapes said');
    tmux('send-keys', '-t', 'escapes', 'first', 'Enter', 'C-]', 'c', 'Enter');
    await tmux.waitForScreen('escapes', (text) => /echo: FIRST\n(?:[\s\S]*\n)?interrupted$/m.test(text), 'the line, then the interrupt');
    tmux('send-keys', '-t', 'escapes', 'C-]', 'd', 'Enter');
    await tmux.waitForScreen('escapes', (text) => text.includes('stdin closed'), 'the end of input');
    // Still attached, and the tier runs on; a Ctrl-] line never reaches it as text.
    tmux('send-keys', '-t', 'escapes', 'C-c');
    await tmux.waitForScreen('escapes', (text) => text.includes('ATTACH-EXITED 0'), 'Ctrl-C to detach');
    expect(tierOf(await status(dir), 'keys').state).toBe('ready');
    expect(await logsOf(dir, 'keys')).not.toMatch(/echo: \x1d|echo: X$/m);
  });

  it('attach with its input already ended: the lines go (a last one without its newline gets one), then it ends by itself', async () => {
    const session = attach(dir, 'repl', '-n', '0');
    session.proc.stdin.end('one\ntwo');
    expect(await session.exited).toBe(0);
    await eventually('both echoes in the logs', async () => /echo: ONE[\s\S]*echo: TWO/.test(await logsOf(dir, 'repl')));
  });

  it('land send writes one line; a tier with replicas needs one of them named', async () => {
    const sent = await landDone(['send', 'web.2', 'to', 'two'], dir);
    expect(sent).toMatchObject({ code: 0, stderr: '' });
    await eventually('web.2 to echo', async () => (await logsOf(dir, 'web.2')).includes('echo: TO TWO'));
    expect(await logsOf(dir, 'web.1')).not.toContain('echo:');
    const group = await landDone(['send', 'web', 'x'], dir);
    expect(group.code).toBe(2);
    expect(group.stderr).toBe('land: web runs replicas: name one of web.1, web.2\n');
  });

  it('a tier without stdin: true is refused in one line naming the option; an unknown tier too', async () => {
    const sent = await landDone(['send', 'plain', 'hi'], dir);
    expect(sent.code).toBe(2);
    expect(sent.stderr).toMatch(/^land: plain takes no input \(its stdin is \/dev\/null\): set tiers\.plain\.stdin: true in the config to type into it\n$/);
    const attached = attach(dir, 'plain');
    expect(await attached.exited).toBe(2);
    expect(attached.stderr).toBe(sent.stderr);
    expect(attached.stdout).toBe('');
    const ghost = await landDone(['attach', 'ghost'], dir);
    expect(ghost.code).toBe(2);
    expect(ghost.stderr).toMatch(/^land: unknown tier "ghost".*\n$/);
  });

  it('a tier that never reads its stdin: writes are refused past the bound, land stays up, and the tier stops with bytes still queued', async () => {
    const piece = Buffer.alloc(64 * 1024, 'x');
    let accepted = 0;
    let refusal: { status: number; body: string } | undefined;
    // 64 KiB the pipe holds and 256 KiB land queues: refused long before 40 pieces (2.5 MiB).
    for (let i = 0; i < 40 && !refusal; i++) {
      const answer = await post(dir, '/tiers/deaf/stdin', piece);
      if (answer.status === 200) accepted += (JSON.parse(answer.body) as StdinResult).bytes;
      else refusal = answer;
    }
    expect(refusal?.status).toBe(409);
    const error = (JSON.parse(refusal!.body) as ApiErrorBody).error;
    expect(error.code).toBe('stdin-full');
    expect(error.message).toMatch(/^deaf is not reading its stdin: \d+ KiB already wait for it \(at most 256 KiB\); nothing of these 65536 bytes was written$/);
    expect(accepted).toBeLessThanOrEqual(2 * 1024 * 1024);
    const sent = await landDone(['send', 'deaf', 'more'], dir);
    expect(sent.code).toBe(4);
    expect(sent.stderr).toMatch(/^land: deaf is not reading its stdin: .*\n$/);
    // A body over a request's bound is refused whole.
    const large = await post(dir, '/tiers/repl/stdin', Buffer.alloc(64 * 1024 + 1, 'y'));
    expect(large.status).toBe(400);
    expect((JSON.parse(large.body) as ApiErrorBody).error.message).toBe('body: expected at most 64 KiB in one request, got more: send longer input in several');
    expect((await landDone(['stop', 'deaf'], dir)).code).toBe(0);
    expect(tierOf(await status(dir), 'deaf').state).toBe('stopped');
    const again = await landDone(['send', 'deaf', 'x'], dir);
    expect(again).toMatchObject({ code: 4, stderr: 'land: deaf is not running (stopped)\n' });
  });

  it('a full queue waited out: wait=1 answers once the tier has read (its stdin-drained), and attach gets every byte through it', async () => {
    const piece = Buffer.alloc(64 * 1024, 'x');
    let accepted = 0;
    for (let i = 0; i < 40; i++) {
      const answer = await post(dir, '/tiers/late/stdin', piece);
      if (answer.status !== 200) break;
      accepted += (JSON.parse(answer.body) as StdinResult).bytes;
    }
    expect((await post(dir, '/tiers/late/stdin', piece)).status).toBe(409);
    // attach's lines meet the full queue too: it waits (never drops them) while the tier reads nothing.
    const session = attach(dir, 'late', '-n', '0');
    const lines = `${'z'.repeat(1023)}\n`.repeat(1024);
    session.proc.stdin.end(lines);
    let answered: { status: number; body: string } | undefined;
    const waiting = post(dir, '/tiers/late/stdin?wait=1', piece).then((answer) => (answered = answer));
    // A waiting writer that goes away: its bytes are never written (the stack's wait ends with the connection).
    const abandoned = request({ socketPath: join(dir, '.land', 'run', 'land.sock'), path: '/tiers/late/stdin?wait=1', method: 'POST', agent: false, headers: { 'content-length': piece.length } });
    abandoned.on('error', () => undefined);
    abandoned.end(piece);
    await sleep(1000);
    expect(answered).toBeUndefined();
    expect(session.proc.exitCode).toBeNull();
    abandoned.destroy();
    await sleep(200);
    writeFileSync(join(dir, 'go'), '');
    expect((await waiting).status).toBe(200);
    expect(await session.exited).toBe(0);
    expect(session.stderr).toBe('');
    expect((await landDone(['send', '--eof', 'late'], dir)).code).toBe(0);
    const total = accepted + lines.length + piece.length;
    await eventually('late to count its input', async () => (await logsOf(dir, 'late')).includes(`counted ${total}`));
  });

  it('a child that closed its stdin (EPIPE), and one that exited: a one-line refusal each, land alive', async () => {
    // The first write may be taken before the pipe says its reader is gone; the next is refused.
    await landDone(['send', 'closer', 'a'], dir);
    const closed = await landDone(['send', 'closer', 'b'], dir);
    expect(closed).toMatchObject({ code: 4, stderr: 'land: closer takes no more input: its process closed its stdin (EPIPE)\n' });
    const closedCode = await post(dir, '/tiers/closer/stdin', Buffer.from('c'));
    expect([closedCode.status, (JSON.parse(closedCode.body) as ApiErrorBody).error.code]).toEqual([409, 'stdin-closed']);
    expect((await landDone(['send', 'once', 'bye'], dir)).code).toBe(0);
    await eventually('once to exit', async () => tierOf(await status(dir), 'once').state === 'exited');
    const exited = await landDone(['send', 'once', 'again'], dir);
    expect(exited).toMatchObject({ code: 4, stderr: 'land: once is not running (exited)\n' });
    expect(tierOf(await status(dir), 'closer').state).toBe('ready');
  });

  // Last: it stops the stack.
  it('the stack stopping ends an attach that is still reading its input: it says so, exit 0', async () => {
    const session = attach(dir, 'repl', '-n', '1');
    await eventually('the recent prompt', async () => session.stdout.startsWith('> '));
    expect((await landDone(['down'], dir)).code).toBe(0);
    expect(await session.exited).toBe(0);
    expect(session.stderr).toBe('land: the stack stopped; detached from repl\n');
  });
});
