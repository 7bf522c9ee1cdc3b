/**
 * The terminal UI under a shell's job control, in a real interactive bash inside tmux: stopped from outside and
 * continued in the background, started in the background (`&`), Ctrl-Z then `bg`. In the background land neither
 * reads the terminal (a read draws SIGTTIN: bash says `Stopped (tty input)` as soon as someone types at the prompt)
 * nor sets its mode (SIGTTOU) nor draws over the prompt; `fg` brings the UI back whole, in raw mode.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { LAND_BIN, child, land, makeProject, removeProjects, waitUntil } from '../helpers/land.js';
import { tmuxServer } from '../helpers/tmux.js';

const tmux = tmuxServer('jobs');

afterAll(() => {
  tmux.kill();
  removeProjects();
});

/** A process's state letter from /proc (T: stopped). */
const procState = (pid: number): string => / \S+\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))![1]!;

/** A row of the tier table: its state. */
const state = (text: string, name: string): string | undefined =>
  text
    .split('\n')
    .find((line) => new RegExp(`^[› ] ${name} `).test(line))
    ?.slice(2)
    .trim()
    .split(/\s+/)[1];

/** bash's prompt alone on the last line that has anything (`bash-5.2$ `, `#` as root). */
const PROMPT = /^bash\S*[#$]\s*$/;
const lastLine = (text: string): string => text.trimEnd().split('\n').at(-1) ?? '';

/** A project with a tier that prints a new line every 100 ms: a land that draws would change the screen within it. */
function project(app: string): string {
  const ticker = [
    "import { writeFileSync } from 'node:fs';",
    "writeFileSync('ticking', '');",
    'let i = 0;',
    "setInterval(() => { i += 1; process.stdout.write(`tick ${i}\\n`); }, 100);",
  ].join('\n');
  return makeProject({
    config: { app, tiers: { calm: { command: child('--say', 'calm says hello') }, ticker: { command: ['node', 'ticker.mjs'] } } },
    files: { 'ticker.mjs': ticker },
  });
}

/** An interactive bash in a session of its own, as at a prompt: job control, and its own line mode at the prompt. */
function shell(session: string, dir: string) {
  tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30', `cd ${dir} && env -u PROMPT_COMMAND PS1='bash$ ' bash --norc --noprofile -i`);
  const screen = () => tmux('capture-pane', '-p', '-t', session);
  const until = (check: (t: string) => boolean, what: string) => tmux.waitForScreen(session, check, what);
  const type = (...keys: string[]) => tmux('send-keys', '-t', session, ...keys);
  return { screen, until, type };
}

type Shell = ReturnType<typeof shell>;

const landPid = (dir: string): number => (JSON.parse(readFileSync(join(dir, '.land', 'run', 'land.pid'), 'utf8')) as { pid: number }).pid;

/**
 * land in the background: the shell takes what is typed (land would stop reading it), and the screen stays as the
 * shell left it for a second and a half while the ticker prints (land would draw its rows and uptime).
 */
async function quietInTheBackground(sh: Shell, pid: number): Promise<void> {
  sh.type('echo typed-at-the-shell', 'Enter');
  const before = await sh.until((t) => /^typed-at-the-shell$/m.test(t) && PROMPT.test(lastLine(t)), 'the shell to run what was typed');
  await sleep(1500);
  expect(procState(pid)).not.toBe('T');
  expect(sh.screen()).toBe(before);
}

/** `fg`: the UI whole again (one header), raw mode on (one key acts), then q and exit 0. */
async function backInFront(sh: Shell, app: string, pid: number): Promise<void> {
  sh.type('fg', 'Enter');
  const text = await sh.until((t) => state(t, 'calm') === 'ready' && state(t, 'ticker') === 'ready' && /^› calm /m.test(t), 'the UI back');
  expect(text.split('\n').filter((line) => line.includes(app))).toHaveLength(1);
  sh.type('j');
  await sh.until((t) => /^› ticker /m.test(t), 'ticker selected by one key');
  expect(procState(pid)).not.toBe('T');
  sh.type('q');
  await sh.until((t) => /stack stopped/.test(t) && PROMPT.test(lastLine(t)), 'the prompt once land has exited');
  sh.type('echo LAND-EXITED $?', 'Enter');
  expect(await sh.until((t) => /^LAND-EXITED \d+/m.test(t), 'the exit code')).toMatch(/^LAND-EXITED 0/m);
}

describe('the terminal UI under job control', () => {
  it.concurrent('stopped from outside, continued in the background: it reads and draws nothing there; fg brings it back', async () => {
    const dir = project('conttest');
    const sh = shell('cont', dir);
    await sh.until((t) => PROMPT.test(lastLine(t)), 'the prompt');
    sh.type(`node ${LAND_BIN} up`, 'Enter');
    await sh.until((t) => state(t, 'calm') === 'ready' && state(t, 'ticker') === 'ready', 'both tiers ready');
    const pid = landPid(dir);
    process.kill(pid, 'SIGSTOP');
    await sh.until((t) => /Stopped\s+node /.test(t) && PROMPT.test(lastLine(t)), 'the shell to say land stopped');
    process.kill(pid, 'SIGCONT');
    await waitUntil(() => procState(pid) !== 'T', 10_000, 'land running again');
    await quietInTheBackground(sh, pid);
    await backInFront(sh, 'conttest', pid);
  });

  it.concurrent('started in the background (&): it reads and draws nothing there; fg brings it up', async () => {
    const dir = project('bgtest');
    const sh = shell('amp', dir);
    await sh.until((t) => PROMPT.test(lastLine(t)), 'the prompt');
    sh.type(`node ${LAND_BIN} up --no-dashboard &`, 'Enter');
    await waitUntil(() => existsSync(join(dir, '.land', 'run', 'land.pid')), 30_000, 'the pid file');
    const pid = landPid(dir);
    // Its tiers start in the background as in front.
    await waitUntil(() => existsSync(join(dir, 'ticking')), 30_000, 'the ticker to start');
    await sleep(500);
    await quietInTheBackground(sh, pid);
    await backInFront(sh, 'bgtest', pid);
  });

  it.concurrent('Ctrl-Z then bg: it runs on in the background without stopping again; fg brings it back', async () => {
    const dir = project('bgztest');
    const sh = shell('ctrlz', dir);
    const pid = await upThenCtrlZAndBg(sh, dir);
    await waitUntil(() => procState(pid) !== 'T', 10_000, 'land running again');
    await quietInTheBackground(sh, pid);
    await backInFront(sh, 'bgztest', pid);
  });

  it.concurrent('Ctrl-Z, bg, then land down: land exits in the background instead of stopping on its way out', async () => {
    const dir = project('downtest');
    const sh = shell('down', dir);
    const pid = await upThenCtrlZAndBg(sh, dir);
    const down = land(['down'], dir);
    expect((await down.exited).code, down.output).toBe(0);
    // libuv's reset of the terminal's mode at exit, from the background, drew SIGTTOU: land stayed stopped there.
    await waitUntil(() => !existsSync(`/proc/${pid}`) || procState(pid) === 'Z', 30_000, 'land to exit');
    sh.type('jobs', 'Enter');
    expect(await sh.until((t) => /Done\s+node /.test(t), 'the shell to say land is done')).not.toMatch(/Stopped \(tty output\)/);
  });
});

/** `land up` typed at the shell, both tiers ready, then Ctrl-Z and `bg`: land's pid, once the shell says it runs in the background. */
async function upThenCtrlZAndBg(sh: ReturnType<typeof shell>, dir: string): Promise<number> {
    await sh.until((t) => PROMPT.test(lastLine(t)), 'the prompt');
    sh.type(`node ${LAND_BIN} up`, 'Enter');
    await sh.until((t) => state(t, 'calm') === 'ready' && state(t, 'ticker') === 'ready', 'both tiers ready');
    const pid = landPid(dir);
    sh.type('C-z');
    await sh.until((t) => /Stopped\s+node /.test(t) && PROMPT.test(lastLine(t)), 'the shell to say land stopped');
    sh.type('bg', 'Enter');
    await sh.until((t) => /^\[1\]\+ node .* &$/m.test(t) && PROMPT.test(lastLine(t)), 'the shell to say land runs in the background');
  return pid;
}
