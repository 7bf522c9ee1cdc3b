/**
 * `land watch`'s plumbing: a RemoteControl over the socket of a real `land up`, on its own and under the real TUI.
 * Quitting the UI detaches; the stack keeps running until it is shut down.
 */
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { NoStackError } from '../../src/control/client.js';
import { RemoteControl } from '../../src/control/remote-control.js';
import { ControlError } from '../../src/supervisor/control-error.js';
import type { SupervisorEvent } from '../../src/supervisor/types.js';
import { App } from '../../src/tui/index.js';
import { child, land, makeProject, markedProcesses, removeProjects, waitUntil, type LandRun } from '../helpers/land.js';
import { cleanUp, status, tierOf } from './helpers.js';

const runs: LandRun[] = [];
const remotes: RemoteControl[] = [];
afterEach(async () => {
  for (const remote of remotes.splice(0)) remote.close();
  await cleanUp(runs);
});
afterAll(removeProjects);

async function stack() {
  const dir = makeProject({
    config: {
      tiers: {
        api: { command: child('--say', 'api listening'), ready: { log: 'api listening' } },
        worker: { command: child('--say', 'worker up'), gate: 'Spawn' },
      },
    },
    profiles: { debug: 'Spawn=false\n' },
  });
  const run = land(['up', '--no-tui'], dir);
  runs.push(run);
  await run.waitFor(/api: starting → ready/);
  const remote = await RemoteControl.connect(join(dir, '.land', 'run', 'land.sock'));
  remotes.push(remote);
  return { dir, run, remote };
}

// eslint-disable-next-line no-control-regex
const plain = (frame: string | undefined) => (frame ?? '').replace(/\u001B\[[0-9;?]*[A-Za-z]/g, '');

describe('RemoteControl', () => {
  it('mirrors the stack, sends commands, and ends its listeners when the stack shuts down', async () => {
    const { dir, run, remote } = await stack();
    const snapshot = remote.snapshot();
    expect(snapshot.bootId).toBe(run.bootId);
    expect(tierOf(snapshot, 'api').state).toBe('ready');
    expect(remote.logs('api').map((entry) => entry.line)).toEqual(['api listening']);
    expect(() => remote.logs('nope')).toThrow(ControlError);

    const events: SupervisorEvent[] = [];
    remote.subscribe((event) => events.push(event));

    const before = tierOf(snapshot, 'api').pid;
    await remote.restartTier('api');
    await waitUntil(() => tierOf(remote.snapshot(), 'api').state === 'ready' && tierOf(remote.snapshot(), 'api').pid !== before, 20_000, 'api ready again');
    expect(tierOf(remote.snapshot(), 'api').restarts).toBe(1);
    expect(events.some((event) => event.type === 'spawn' && event.tier === 'api' && event.restart === 1)).toBe(true);
    await waitUntil(() => remote.logs('api').filter((entry) => entry.line === 'api listening').length === 2, 10_000, 'the new line');
    // A log event arrives as lines only: the bytes land's own printer uses never go over the socket.
    const logEvent = events.find((event) => event.type === 'log' && event.lines.includes('api listening'));
    expect(logEvent).toMatchObject({ type: 'log', tier: 'api', stream: 'stdout', lines: ['api listening'] });
    expect(Object.keys(logEvent!).sort()).toEqual(['at', 'lines', 'stream', 'tier', 'type']);
    expect(tierOf(await status(dir), 'api').pid).toBe(tierOf(remote.snapshot(), 'api').pid);

    // Refusals come back as the supervisor's own ControlError.
    await expect(remote.startTier('worker')).rejects.toMatchObject({ code: 'gated' });
    await expect(remote.stopTier('nope')).rejects.toBeInstanceOf(ControlError);
    await remote.startTier('worker', { force: true });
    await waitUntil(() => tierOf(remote.snapshot(), 'worker').state === 'ready', 20_000, 'worker ready');

    await remote.shutdown('test');
    expect(events.at(-1)).toMatchObject({ type: 'shutdown', phase: 'end' });
    expect((await run.exited).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
  });

  it('tells its listeners the stack is gone when land dies', async () => {
    const { run, remote } = await stack();
    const events: SupervisorEvent[] = [];
    remote.subscribe((event) => events.push(event));
    await run.stop('SIGKILL');
    await remote.closed;
    expect(events.at(-1)).toMatchObject({ type: 'shutdown', phase: 'end', reason: 'the stack is no longer reachable' });
    expect(remote.snapshot().shuttingDown).toBe(true);
  });

  it('refuses to connect where no stack runs', async () => {
    const dir = makeProject({ config: { tiers: {} } });
    await expect(RemoteControl.connect(join(dir, '.land', 'run', 'land.sock'))).rejects.toBeInstanceOf(NoStackError);
  });

  it('drives the TUI in watch mode: its keys act on the stack, and quitting leaves the stack running', async () => {
    const { dir, run, remote } = await stack();
    const exits: number[] = [];
    const ui = render(<App control={remote} mode="watch" sampleUsage={false} onExit={() => exits.push(1)} />);
    try {
      await waitUntil(() => /api\s+ready/.test(plain(ui.lastFrame())), 10_000, 'the table');
      expect(plain(ui.lastFrame())).toMatch(/worker\s+disabled/);
      const before = tierOf(remote.snapshot(), 'api').pid;
      ui.stdin.write('r'); // restart the selected (first) tier
      await waitUntil(() => tierOf(remote.snapshot(), 'api').restarts === 1 && tierOf(remote.snapshot(), 'api').state === 'ready', 20_000, 'api restarted');
      expect(tierOf(await status(dir), 'api').pid).not.toBe(before);
      // `l` reloads through the socket (POST /tiers/api/reload) as in `land up`'s UI: api has no replicas, so a restart
      // waited for until ready, said as `land reload` says it.
      ui.stdin.write('l');
      await waitUntil(() => plain(ui.lastFrame()).includes('api has no replicas: reloaded as a restart'), 20_000, 'the reload said');
      expect(tierOf(await status(dir), 'api')).toMatchObject({ state: 'ready', restarts: 2 });
      // A refusal comes back as the supervisor's own: a gated-off tier is not reloaded.
      await expect(remote.reloadTier('worker')).rejects.toMatchObject({ code: 'gated' });
      ui.stdin.write('q');
      await waitUntil(() => exits.length === 1, 5_000, 'the UI to exit');
    } finally {
      ui.unmount();
    }
    remote.close();
    await remote.closed;
    // Detached, not shut down.
    expect(tierOf(await status(dir), 'api').state).toBe('ready');
    expect(run.proc.exitCode).toBeNull();
  });
});
