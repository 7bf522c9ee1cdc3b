/**
 * Ctrl-C in the real terminal UI (`land up` inside tmux) during the shutdown it started: every tree is killed at
 * once and land exits 130, as a second Ctrl-C does without the UI (README's exit codes); `q` meanwhile only says so.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LAND_BIN, child, makeProject, removeProjects, survivorsIn, waitUntil } from '../helpers/land.js';
import { tmuxServer } from '../helpers/tmux.js';

const tmux = tmuxServer('kill');
/** The tier's processes (pid files): killed here if a failed test left them, so land's shutdown ends too. */
let pidDir: string | undefined;

afterAll(() => {
  tmux.kill();
  for (const pid of pidDir ? survivorsIn(pidDir) : []) process.kill(pid, 'SIGKILL');
  removeProjects();
});

const waitForScreen = (check: (text: string) => boolean, what: string) => tmux.waitForScreen('kill', check, what);

describe('the terminal UI during its shutdown', () => {
  it('q says the shutdown is under way; Ctrl-C again kills every tree at once and land exits 130', async () => {
    const project = makeProject({ config: { tiers: {} } });
    const pids = join(project, 'pids');
    pidDir = pids;
    // A tier that ignores SIGTERM, with a stop bound longer than the test's waits: only a kill ends it in time.
    const stubborn = child('--say', 'up', '--ignore-term', '--grandchildren', 1, '--pidfile', pids);
    const dir = makeProject({ config: { app: 'killtest', tiers: { stub: { command: stubborn, stop: { timeoutMs: 120_000 } } } } });
    tmux('new-session', '-d', '-s', 'kill', '-x', '100', '-y', '30', `cd ${dir} && node ${LAND_BIN} up; echo LAND-EXITED $?; sleep 120`);
    await waitForScreen((t) => /^› stub +ready /m.test(t), 'stub ready');
    await waitUntil(() => survivorsIn(pids).length === 2, 10_000, 'the tier and its grandchild');

    tmux('send-keys', '-t', 'kill', 'C-c');
    await waitForScreen((t) => /^› stub +stopping /m.test(t) && /shutting down in reverse dependency order… \(Ctrl-C again kills every tier now\)/.test(t), 'stub stopping');
    tmux('send-keys', '-t', 'kill', 'q');
    await waitForScreen((t) => /already shutting down \(Ctrl-C again kills every tier now\)/.test(t), 'q said the shutdown is under way');
    expect(survivorsIn(pids)).toHaveLength(2);

    tmux('send-keys', '-t', 'kill', 'C-c');
    const text = await waitForScreen((t) => /LAND-EXITED \d+/.test(t), 'land to exit');
    expect(text).toMatch(/^land: the shutdown was cut short: every tier killed \(SIGKILL\), exit 130$/m);
    expect(text).toMatch(/LAND-EXITED 130/);
    await waitUntil(() => survivorsIn(pids).length === 0, 10_000, 'no survivors');
  });
});
