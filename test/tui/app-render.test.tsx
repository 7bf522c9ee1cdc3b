import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { FakeControl, sleep, stack, T0, tier, waitFor } from './fake-control.js';
import { renderApp } from './render-app.js';
import { formatUptime } from '../../src/tui/format.js';

function everyState(): FakeControl {
  return new FakeControl(
    stack([
      tier('mountain', 'ready', {
        pid: 1234,
        startedAt: T0 - 65_000,
        timeToReadyMs: 840,
        restarts: 1,
        lastLine: 'listening on 127.0.0.1:8080',
      }),
      tier('cocoon', 'disabled', { gatedBy: 'Spawn=false', reason: 'gated off by Spawn=false' }),
      tier('air', 'pending', { dependsOn: { mountain: 'ready' } }),
      tier('sky', 'starting', { pid: 2001, startedAt: T0 - 1200, lastLine: 'warming up' }),
      tier('wind', 'backoff', {
        restarts: 2,
        nextRestartAt: T0 + 2500,
        reason: 'restarting in 2.5 s',
        lastExit: { code: 1, signal: null, at: T0 },
        lastLine: 'cannot reach the queue',
      }),
      tier('rest', 'crashed', { restarts: 1, reason: 'killed by SIGSEGV', lastExit: { code: null, signal: 'SIGSEGV', at: T0 } }),
      tier('sidecar', 'exited', { reason: 'completed', lastExit: { code: 0, signal: null, at: T0 }, lastLine: 'done' }),
      tier('grove', 'failed', { restarts: 5, reason: 'restart budget spent' }),
      tier('worker', 'stopping', { pid: 3003, startedAt: T0 - 5000, reason: 'requested' }),
      tier('echo', 'stopped', { reason: 'stopped from the UI' }),
    ]),
  );
}

describe('App rendering', () => {
  afterEach(() => cleanup());

  it('shows the header: app, profile, boot, short trace id, uptime, and each telemetry pipe', async () => {
    const app = renderApp(everyState());
    await sleep(50);
    const [first, second] = app.frame().split('\n');
    expect(first).toContain('land-demo');
    expect(first).toContain('profile debug');
    expect(first).toContain('boot b-7f3a');
    expect(first).toContain('trace 4bf92f35 ');
    expect(first).not.toContain('4bf92f3577');
    expect(first).toContain('up 3m04s');
    expect(second).toContain('PostHog off');
    expect(second).toContain('OTLP unavailable 3 sent 7 dropped');
    expect(second).toContain('recording on 40 sent');
  });

  it('keeps the uptime on an 80-column header even with a UUID boot id', async () => {
    const control = everyState();
    control.state.bootId = '2f1c9a7e-55b1-4c1e-9d7a-0e6f4b1a2c3d';
    const app = renderApp(control, { columns: 80 });
    const [first] = app.frame().split('\n');
    expect(first).toContain('boot 2f1c9a7e ·');
    expect(first).toContain('up 3m04s');
  });

  it('updates the header when a pipe changes state', async () => {
    const control = everyState();
    const app = renderApp(control);
    await sleep(50);
    control.state.telemetry.posthog = { state: 'on', sent: 12, dropped: 2 };
    control.state.shuttingDown = true;
    control.emit({ type: 'shutdown', phase: 'begin', reason: 'SIGTERM', at: T0 });
    await waitFor(() => app.frame().includes('PostHog on 12 sent 2 dropped'), 'PostHog on');
    expect(app.frame()).toContain('shutting down');
  });

  it('shows every state by its word, with what matters for that state', async () => {
    const app = renderApp(everyState(), { columns: 120 });
    await sleep(50);
    const mountain = app.row('mountain');
    // The TIER column would only repeat NAME here: it is left out.
    expect(app.frame()).not.toMatch(/\bTIER\b/);
    expect(mountain).toMatch(/mountain\s+ready\s+1234\s+1m05s\s+1\s+840ms\s+-\s+-\s+listening on 127\.0\.0\.1:8080/);
    expect(app.row('cocoon')).toMatch(/disabled .*gated by Spawn=false/);
    expect(app.row('air')).toMatch(/pending .*waiting on mountain/);
    expect(app.row('sky')).toMatch(/starting\s+2001\s+1\.2s .*warming up/);
    // The countdown once, then why it exited: not "restart in 3s · restarting in 2.5 s".
    expect(app.row('wind')).toMatch(/backoff .*restart in 3s · exit code 1 · cannot reach the queue/);
    expect(app.row('wind')).not.toContain('restarting in');
    expect(app.row('rest')).toMatch(/crashed .*killed by SIGSEGV/);
    expect(app.row('sidecar')).toMatch(/exited .*completed · done/);
    expect(app.row('grove')).toMatch(/failed\s+-\s+-\s+5 .*restart budget spent/);
    expect(app.row('worker')).toMatch(/stopping\s+3003\s+5\.0s/);
    expect(app.row('echo')).toMatch(/stopped .*stopped from the UI/);
  });

  it('lists tiers in snapshot order and dims the gated-off one', async () => {
    const app = renderApp(everyState());
    await sleep(50);
    const names = app
      .frame()
      .split('\n')
      .filter((line) => /^. \w+ /.test(line) && !line.includes('NAME'))
      .map((line) => line.slice(2).split(' ')[0]);
    expect(names).toEqual(['mountain', 'cocoon', 'air', 'sky', 'wind', 'rest', 'sidecar', 'grove', 'worker', 'echo']);
    const raw = app.lastFrame()!.split('\n').find((line) => line.includes('cocoon'))!;
    // Dim (SGR 2) when colours are on; the word and the gate are there either way.
    if (raw.includes('\u001B[')) expect(raw).toContain('\u001B[2m');
    expect(raw).toContain('Spawn=false');
  });

  it('counts the backoff down as time passes', async () => {
    let now = T0;
    const app = renderApp(everyState(), { clock: () => now });
    await sleep(50);
    expect(app.row('wind')).toContain('restart in 3s');
    now = T0 + 1600;
    await waitFor(() => app.row('wind').includes('restart in 1s'), 'countdown tick');
  });

  it('follows state changes from events', async () => {
    const control = everyState();
    const app = renderApp(control);
    await sleep(50);
    control.transition('wind', 'starting', { pid: 4321, startedAt: T0, reason: 'restart 3' });
    await waitFor(() => /wind\s+starting\s+4321/.test(app.frame()), 'wind starting');
    control.transition('wind', 'ready', { timeToReadyMs: 2300 });
    await waitFor(() => /wind\s+ready\s+4321 .*2\.3s/.test(app.frame()), 'wind ready');
  });

  it('fits 80 columns: no line wider than the terminal, long lines cut with an ellipsis', async () => {
    const control = everyState();
    control.tier('mountain').lastLine = 'x'.repeat(300);
    control.tier('grove').reason = 'restart budget spent after five crashes in a row; see logs for details';
    for (let index = 0; index < 50; index += 1) control.log('mountain', `${index} ${'y'.repeat(200)}`);
    const app = renderApp(control, { columns: 80, rows: 24 });
    await sleep(50);
    const check = () => {
      const lines = app.frame().split('\n');
      for (const line of lines) expect(Array.from(line).length, line).toBeLessThanOrEqual(80);
      expect(lines.length).toBeLessThanOrEqual(24);
    };
    check();
    expect(app.row('mountain')).toMatch(/ 49 y+…$/);
    await app.press('\r');
    await app.untilText('mountain logs');
    check();
    await app.press('?');
    await app.untilText('── keys');
    check();
  });

  it('cuts a last line of wide characters by columns: the row ends in the last column, not past the edge', async () => {
    const control = everyState();
    control.tier('mountain').lastLine = `終わり ${'語'.repeat(60)}`;
    control.tier('sky').lastLine = '終わり: wide';
    const app = renderApp(control, { columns: 80, rows: 24 });
    await sleep(50);
    const width = (line: string) => Array.from(line).reduce((sum, char) => sum + (/[\u3000-\u9fff]/.test(char) ? 2 : 1), 0);
    // Cut where the column ends (with … in it), within the terminal, and the short one whole.
    expect(app.row('mountain')).toMatch(/終わり 語+…$/);
    expect(width(app.row('mountain'))).toBeLessThanOrEqual(80);
    expect(width(app.row('mountain'))).toBeGreaterThanOrEqual(79);
    expect(app.row('sky')).toMatch(/ 終わり: wide$/);
  });

  it('uses the width of a wider terminal', async () => {
    const control = everyState();
    control.tier('mountain').lastLine = 'z'.repeat(300);
    const narrow = renderApp(control, { columns: 80 });
    const wide = renderApp(control, { columns: 160 });
    await sleep(50);
    const zs = (line: string) => (line.match(/z/g) ?? []).length;
    expect(zs(wide.row('mountain'))).toBeGreaterThan(zs(narrow.row('mountain')) + 50);
    expect(Math.max(...wide.frame().split('\n').map((line) => line.length))).toBeLessThanOrEqual(160);
    // No TIER column while every telemetry tier equals its name.
    expect(wide.frame()).not.toMatch(/NAME\s+TIER\s+STATE/);
    // Once one differs, it appears where there is room.
    control.tier('sky').tier = 'renderer';
    const differs = renderApp(control, { columns: 160 });
    const narrowDiffers = renderApp(control, { columns: 80 });
    await sleep(50);
    expect(differs.frame()).toMatch(/NAME\s+TIER\s+STATE/);
    expect(differs.row('sky')).toMatch(/sky\s+renderer\s+starting/);
    expect(narrowDiffers.frame()).not.toMatch(/NAME\s+TIER\s+STATE/);
  });

  it('shows the meaningful part of a last line that starts with a timestamp', async () => {
    const control = everyState();
    control.tier('mountain').lastLine = '[2026-12-05T10:00:00Z] listening on 127.0.0.1:8080 with 4 workers and a very long tail';
    control.tier('sky').lastLine = '2026-12-05 10:00:00.123 INFO warming up the renderer';
    const app = renderApp(control, { columns: 80 });
    await sleep(50);
    expect(app.row('mountain')).toMatch(/ready .* - listening on 127\.0\.0\./);
    expect(app.row('mountain')).not.toContain('2026-12-05');
    expect(app.row('sky')).toMatch(/INFO warming up/);
  });

  it('names the file that restarted a watched tier, and groups replicas under one telemetry tier', async () => {
    const control = new FakeControl(
      stack([
        tier('api.1', 'ready', { tier: 'api', group: 'api', replica: 1, pid: 11, startedAt: T0 - 2000, lastLine: 'up' }),
        tier('api.2', 'ready', { tier: 'api', group: 'api', replica: 2, pid: 12, startedAt: T0 - 2000, lastLine: 'up' }),
        tier('web', 'ready', {
          pid: 13,
          startedAt: T0 - 1000,
          lastLine: 'serving',
          watch: { paths: ['src/**'], watching: true, restarts: 1, lastChange: { file: 'src/app.ts', files: 3, at: T0 - 1500 } },
        }),
      ]),
    );
    const app = renderApp(control, { columns: 160 });
    await sleep(50);
    expect(app.frame()).not.toMatch(/\bTIER\b/);
    expect(app.row('web')).toMatch(/ready .*↻ src\/app\.ts changed \(\+2 more\) · serving/);
    expect(app.row('api.2')).toMatch(/api\.2\s+ready\s+12/);
  });

  it('keeps the selected tier visible when there are more tiers than rows', async () => {
    const control = new FakeControl(stack(Array.from({ length: 40 }, (_, index) => tier(`t${index}`, 'ready'))));
    const app = renderApp(control, { rows: 24 });
    await sleep(50);
    expect(app.frame().split('\n').length).toBeLessThanOrEqual(24);
    expect(app.frame()).not.toContain(' t39 ');
    for (let index = 0; index < 39; index += 1) app.stdin.write('j');
    await waitFor(() => app.frame().includes('› t39 '), 'selection at t39');
    expect(app.frame()).toContain('of 40');
  });
});

// These wait out the UI's own clock and polls (seconds each, nothing to do meanwhile): they run side by side, each
// unmounting its own App (ink-testing-library's cleanup() would unmount the others').
describe.concurrent('App rendering on an idle clock', () => {
  it('draws no frame for the clock while no time it shows changes: past 10 minutes uptimes move by the minute', async ({ onTestFinished }) => {
    let now = T0;
    const control = new FakeControl(
      stack([tier('api', 'ready', { pid: 10, startedAt: T0 - 12 * 60_000 - 59_000 })], { startedAt: T0 - 20 * 60_000 - 30_000 }),
    );
    const app = renderApp(control, { clock: () => now });
    onTestFinished(() => app.unmount());
    await app.untilText('up 20m');
    expect(app.row('api')).toMatch(/ready\s+10\s+12m /);
    const frames = app.frames.length;
    now = T0 + 400;
    await sleep(1_500); // past the second at which an uptime in seconds would have moved
    expect(app.frames.length).toBe(frames);
    now = T0 + 1_000; // api: 13 minutes
    await waitFor(() => /ready\s+10\s+13m /.test(app.row('api')), 'the next minute');
    expect(app.frame()).toContain('up 20m');
  });

  it("an idle stack's clock ticks reuse the snapshot: the uptimes move, the stack is read only by the 2 s poll", async ({ onTestFinished }) => {
    let now = T0;
    const control = new FakeControl(stack([tier('api', 'ready', { pid: 10, startedAt: T0 })], { startedAt: T0 }));
    const app = renderApp(control, { clock: () => now });
    onTestFinished(() => app.unmount());
    await app.untilText('api');
    await sleep(2_100); // no event since the App subscribed: past the 2 s in which a tick still re-reads
    const reads = control.snapshotReads;
    const started = Date.now();
    for (let second = 1; second <= 3; second += 1) {
      now = T0 + second * 1_000;
      const uptime = formatUptime(second * 1_000);
      await waitFor(() => app.row('api').includes(` ${uptime} `), () => `uptime ${uptime} in: ${app.row('api')}`);
    }
    // Three ticks drew three uptimes; a tick that re-read the stack would have read it three times besides the poll.
    const polls = Math.floor((Date.now() - started) / 2_000) + 1;
    expect(control.snapshotReads - reads).toBeLessThanOrEqual(polls);
  });

  it("an idle stack's poll reads only the counters while they stay put, and shows them at once when they move", async ({ onTestFinished }) => {
    // The supervisor's counters(): what moves without an event, read without building a snapshot of every tier.
    class CountingControl extends FakeControl {
      counterReads = 0;
      counters() {
        this.counterReads += 1;
        return structuredClone({ telemetry: this.state.telemetry, receiver: this.state.receiver });
      }
    }
    const control = new CountingControl(stack([tier('api', 'ready', { pid: 10, startedAt: T0 })]));
    const app = renderApp(control);
    onTestFinished(() => app.unmount());
    await app.untilText('api');
    await sleep(4_500); // no event since the App subscribed: past the 4 s in which a poll still reads everything
    const reads = control.snapshotReads;
    const counterReads = control.counterReads;
    await sleep(4_200); // two polls
    expect(control.counterReads - counterReads).toBeGreaterThanOrEqual(2);
    expect(control.snapshotReads).toBe(reads);
    control.state.telemetry.otlp = { state: 'on', sent: 9, dropped: 0 };
    await waitFor(() => app.frame().includes('OTLP on 9 sent'), () => `OTLP on 9 sent in:\n${app.frame()}`, 3_000);
    expect(control.snapshotReads).toBeGreaterThan(reads);
  });
});
