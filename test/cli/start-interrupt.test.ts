/**
 * A signal while `land up` starts, before the stack's own exit paths have it (src/cli/start-interrupt.ts): land says
 * so in one line and exits 128 + n, having left nothing (no tier, no pid file, no socket, no guardian), where it used
 * to die of the signal on the spot without a word.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { socketPath } from '../../src/control/paths.js';
import { LAND_BIN, CHILD, guardianOf, guardianStarted, land, makeProject, removeProjects, survivorsIn, waitUntil } from '../helpers/land.js';
import { tmuxServer } from '../helpers/tmux.js';

const tmux = tmuxServer('startint');

afterAll(() => {
  tmux.kill();
  removeProjects();
});

// A Ctrl-C typed in the terminal is echoed (`^C`) before the line.
const INTERRUPTED = /^(?:\^C)?land: interrupted while starting \(SIGINT\); nothing left running$/m;

/** Nothing of the boot is left: no pid file, no control socket, no guardian of `landPid`, no tier process. */
function expectNothingLeft(dir: string, landPid: number): void {
  expect(existsSync(join(dir, '.land', 'run', 'land.pid'))).toBe(false);
  expect(existsSync(socketPath(dir))).toBe(false);
  expect(guardianOf(landPid)).toBeUndefined();
  expect(survivorsIn(join(dir, 'pids'))).toEqual([]);
}

describe('a signal while land up starts', () => {
  it('during a slow config load: the load is not waited for; one line, exit 130, nothing left', async () => {
    // The config marks its start, then takes 20 s (a top-level await: a config that fetches something).
    const dir = projectOf([
      "writeFileSync(new URL('./loading', import.meta.url), '');",
      'await new Promise((resolve) => setTimeout(resolve, 20_000));',
      "writeFileSync(new URL('./loaded', import.meta.url), '');",
    ]);
    const run = land(['up', '--no-tui'], dir, { LAND_CONFIG_TIMEOUT_MS: '60000' });
    await waitUntil(() => existsSync(join(dir, 'loading')), 30_000, 'the config to start loading');
    await guardianStarted(run.proc.pid!);
    run.signal('SIGINT');
    const exit = await run.exited;
    expect(exit, run.output).toEqual({ code: 130, signal: null });
    expect(run.stderr).toMatch(INTERRUPTED);
    expect(existsSync(join(dir, 'loaded'))).toBe(false);
    await waitUntil(() => guardianOf(run.proc.pid!) === undefined, 10_000, 'the guardian gone');
    expectNothingLeft(dir, run.proc.pid!);
  });

  it('Ctrl-C in the terminal at any moment of the start: the line and 130 before the tiers start, a graceful stop after; nothing left', async () => {
    const outcomes: number[] = [];
    // The first start's config takes 20 s to load: its Ctrl-C lands before the tiers whatever the machine's load (the
    // sweep after it may find every start past that point on a loaded machine: 130 or 0 each, as it falls).
    const SLOW = ["writeFileSync(new URL('./loading', import.meta.url), '');", 'await new Promise((resolve) => setTimeout(resolve, 20_000));'];
    for (const [index, delay] of [-1, 0, 50, 100, 200, 350, 600].entries()) {
      const dir = projectOf(delay < 0 ? SLOW : []);
      const session = `s${index}`;
      tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30', `cd ${dir} && node ${LAND_BIN} up; echo LAND-EXITED $?; sleep 120`);
      // land's pid: the pane's shell's one child. From its guardian on, land is in its start (bin/land.js's and
      // start-interrupt.ts's listeners are in place); before that a signal finds node itself still starting.
      const shellPid = Number(tmux('display-message', '-p', '-t', session, '#{pane_pid}').trim());
      let landPid = 0;
      await waitUntil(() => (landPid = childOf(shellPid)) > 0, 30_000, 'land to start');
      await guardianStarted(landPid);
      if (delay < 0) await waitUntil(() => existsSync(join(dir, 'loading')), 30_000, 'the config to start loading');
      else await sleep(delay);
      tmux('send-keys', '-t', session, 'C-c');
      const text = await tmux.waitForScreen(session, (t) => /LAND-EXITED \d+/.test(t), 'land to exit');
      const code = Number(/LAND-EXITED (\d+)/.exec(text)![1]);
      outcomes.push(code);
      // Interrupted before the tiers started: said, 130. Later: the stack stopped as on any Ctrl-C, 0.
      if (code === 130) expect(text).toMatch(INTERRUPTED);
      else expect(code, text).toBe(0);
      await waitUntil(() => guardianOf(landPid) === undefined, 10_000, 'the guardian gone');
      expectNothingLeft(dir, landPid);
    }
    expect(outcomes[0]).toBe(130);
  });
});

/** A project whose config runs `first` (a module: top-level await allowed), then has one tier, writing its pid in ./pids. */
function projectOf(first: string[]): string {
  const tier = `['node', ${JSON.stringify(CHILD)}, '--say', 'calm says hello', '--pidfile', new URL('./pids', import.meta.url).pathname]`;
  const config = ["import { writeFileSync } from 'node:fs';", ...first, `export default { app: 'startint', tiers: { calm: { command: ${tier} } } };`];
  return makeProject({ config: { tiers: {} }, files: { 'land.config.mjs': `${config.join('\n')}\n` } });
}

/** The one child of `pid` (0 while it has none). */
function childOf(pid: number): number {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return children === '' ? 0 : Number(children.split(' ')[0]);
  } catch {
    return 0;
  }
}
