import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeControl, sleep, stack, T0, tier, waitFor } from './fake-control.js';
import { KEYS, renderApp } from './render-app.js';

afterEach(() => cleanup());

function withLogs(count: number): FakeControl {
  const control = new FakeControl(
    stack([tier('mountain', 'ready', { pid: 1234, startedAt: T0 }), tier('sky', 'ready', { pid: 2345, startedAt: T0 })]),
  );
  for (let index = 0; index < count; index += 1) control.log('mountain', `line ${index}`);
  return control;
}

/** The log lines the pane shows (`line N`), in order. */
function paneLines(frame: string): number[] {
  return [...frame.matchAll(/^line (\d+)$/gm)].map((match) => Number(match[1]));
}

describe('App log pane', () => {
  it('opens with the newest of the last 500 lines and follows new ones', async () => {
    const control = withLogs(600);
    const app = renderApp(control, { rows: 24 });
    await app.press(KEYS.enter);
    await app.untilText('mountain logs · following');
    expect(paneLines(app.frame()).at(-1)).toBe(599);

    control.log('mountain', 'line 600');
    control.log('sky', 'not for this pane');
    // The table and the pane catch up within one refresh of each other.
    await app.until((frame) => paneLines(frame).at(-1) === 600 && app.row('sky').includes('not for'), 'new lines');
    const pane = app.frame().slice(app.frame().indexOf('── mountain logs'));
    expect(pane).not.toContain('not for this pane');
    // Home goes to the oldest line fetched: the pane asked for 500.
    await app.press(KEYS.home);
    await app.until((frame) => paneLines(frame)[0] === 100, 'the oldest line');
  });

  it('scrolling up pauses follow; new lines then do not move the view; f follows again', async () => {
    const control = withLogs(100);
    const app = renderApp(control, { rows: 24 });
    await app.press(KEYS.enter);
    await app.untilText('mountain logs · following');
    const following = paneLines(app.frame());
    await app.press(KEYS.up);
    await app.untilText('paused · 1 newer line · f to follow');
    const paused = paneLines(app.frame());
    expect(paused[0]).toBe(following[0]! - 1);

    control.log('mountain', 'line 100');
    control.log('mountain', 'line 101');
    await app.untilText('3 newer lines');
    expect(paneLines(app.frame())).toEqual(paused);

    await app.press('f');
    await app.untilText('following');
    expect(paneLines(app.frame()).at(-1)).toBe(101);
  });

  it('PgUp/PgDn scroll a page, ↓ to the bottom and End turn follow back on', async () => {
    const control = withLogs(200);
    const app = renderApp(control, { rows: 24 });
    await app.press(KEYS.enter);
    await app.untilText('mountain logs · following');
    const height = paneLines(app.frame()).length;
    const bottomTop = paneLines(app.frame())[0]!;
    const pageTop = bottomTop - (height - 1);
    await app.press(KEYS.pageUp);
    await app.until((frame) => paneLines(frame)[0] === pageTop, 'one page up');
    await app.press(KEYS.pageUp);
    await app.until((frame) => paneLines(frame)[0] === pageTop - (height - 1), 'two pages up');
    await app.press(KEYS.pageDown);
    await app.until((frame) => paneLines(frame)[0] === pageTop, 'one page down');
    await app.press(KEYS.pageDown);
    await app.untilText('following');

    await app.press(KEYS.up, KEYS.up);
    await app.untilText('2 newer lines');
    await app.press(KEYS.down, KEYS.down);
    await app.untilText('following');
    await app.press(KEYS.pageUp);
    await app.untilText('paused');
    await app.press(KEYS.end);
    await app.untilText('following');
    expect(paneLines(app.frame()).at(-1)).toBe(199);
  });

  it('Tab gives ↑/↓ back to the tier list; Enter on another tier switches the pane', async () => {
    const control = withLogs(50);
    control.log('sky', 'sky says hi');
    const app = renderApp(control, { rows: 24 });
    await app.press(KEYS.enter);
    await app.untilText('mountain logs');
    await app.press(KEYS.tab);
    await app.untilText('Tab to scroll');
    await app.press(KEYS.down);
    await app.untilSelected('sky');
    expect(app.frame()).toContain('mountain logs');
    await app.press(KEYS.enter);
    await app.untilText('sky logs');
    expect(app.frame()).toMatch(/^sky says hi$/m);
    // Esc: first gives focus back to the list, then closes the pane.
    await app.press(KEYS.escape);
    await app.untilText('Tab to scroll');
    await app.press(KEYS.escape);
    await app.until((frame) => !frame.includes('sky logs'), 'the pane closed');
  });

  it('a line shown in fragments while its child was quiet gets the rest joined in place', async () => {
    const control = withLogs(3);
    const app = renderApp(control, { rows: 24 });
    await app.press(KEYS.enter);
    await app.untilText('mountain logs · following');
    control.emit({ type: 'log', tier: 'mountain', stream: 'stdout', lines: ['Password: …'], cut: 'first', at: T0 });
    await app.untilText('Password: …');
    control.emit({ type: 'log', tier: 'mountain', stream: 'stderr', lines: ['warn: x'], at: T0 });
    await app.untilText('warn: x');
    control.emit({ type: 'log', tier: 'mountain', stream: 'stdout', lines: ['… and the rest'], cut: 'last', at: T0 });
    await app.untilText('Password:  and the rest');
    const pane = app.frame().slice(app.frame().indexOf('── mountain logs'));
    expect(pane).toMatch(/line 2\nPassword: {2}and the rest\nwarn: x\n/);
    expect(pane).not.toContain('… and the rest');
  });

  it('shows stderr lines and strips escape sequences from child output', async () => {
    const control = withLogs(0);
    control.log('mountain', '\u001B[31mboom\u001B[0m\u001B[2J', 'stderr');
    const app = renderApp(control);
    await app.press(KEYS.enter);
    await app.until((frame) => /^boom$/m.test(frame), 'the stderr line');
    expect(app.lastFrame()).not.toContain('\u001B[2J');
  });

  it('a flood of 50 000 log lines costs a handful of frames, and the pane keeps a bounded tail', async () => {
    const control = withLogs(10);
    const app = renderApp(control, { rows: 24 });
    await app.press(KEYS.enter);
    await app.untilText('mountain logs');
    await sleep(250); // let the opening settle before counting
    const before = app.frames.length;
    for (let index = 0; index < 50_000; index += 1) control.log('mountain', `line ${index + 10}`);
    await app.until((frame) => paneLines(frame).at(-1) === 50_009, 'the last flooded line');
    await sleep(250);
    expect(app.frames.length - before).toBeLessThanOrEqual(3);

    // The pane keeps the newest 2000 lines (its buffer is bounded).
    await app.press(KEYS.home);
    await app.until((frame) => paneLines(frame)[0] === 50_010 - 2000, 'the oldest kept line');
  });

  it('a flood spread over time renders at most about ten frames a second', async () => {
    const control = withLogs(0);
    const app = renderApp(control, { rows: 24 });
    await app.press(KEYS.enter);
    await app.untilText('mountain logs');
    await sleep(250);
    const before = app.frames.length;
    const started = Date.now();
    for (let batch = 0; batch < 100; batch += 1) {
      for (let index = 0; index < 500; index += 1) control.log('mountain', `line ${batch * 500 + index}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await app.until((frame) => paneLines(frame).at(-1) === 49_999, 'the last flooded line');
    const elapsed = Date.now() - started;
    const frames = app.frames.length - before;
    expect(frames).toBeGreaterThan(0);
    // At most one refresh per 100 ms over the flood, plus the trailing one.
    expect(frames).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 2);
  });

  it('renders nothing while nothing changes', async () => {
    const control = withLogs(5);
    const app = renderApp(control);
    await app.press(KEYS.enter);
    await app.untilText('mountain logs');
    await sleep(300); // let the opening's own refresh land
    const frames = app.frames.length;
    const reads = control.snapshotReads;
    // Past the 2 s poll: it re-reads the snapshot, finds nothing new, and does not render.
    await waitFor(() => control.snapshotReads > reads, 'the poll');
    await sleep(100);
    expect(app.frames.length).toBe(frames);
  });
});
