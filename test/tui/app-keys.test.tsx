import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeControl, stack, T0, tier, waitFor } from './fake-control.js';
import { KEYS, renderApp } from './render-app.js';
import { HELP_LINES } from '../../src/tui/components/help.js';

afterEach(() => cleanup());

function threeTiers(): FakeControl {
  return new FakeControl(
    stack([
      tier('mountain', 'ready', { pid: 1234, startedAt: T0 - 5000 }),
      tier('cocoon', 'disabled', { gatedBy: 'Spawn=false', reason: 'gated off by Spawn=false' }),
      tier('sky', 'stopped', { reason: 'stopped from the UI' }),
    ]),
  );
}

const GATE_MESSAGE = 'cocoon is gated off by Spawn=false — use `land spawn cocoon` to override';

describe('App keys', () => {
  it('↑/↓ and j/k move the selection, stopping at the ends', async () => {
    const app = renderApp(threeTiers());
    await app.untilSelected('mountain');
    await app.press(KEYS.down);
    await app.untilSelected('cocoon');
    expect(app.row('mountain')).toMatch(/^ /);
    await app.press('j', 'j', 'j');
    await app.untilSelected('sky');
    await app.press(KEYS.up);
    await app.untilSelected('cocoon');
    await app.press('k', 'k', 'k');
    await app.untilSelected('mountain');
    expect(app.row('sky')).toMatch(/^ /);
  });

  it('keys that arrive in one chunk (a paste, tmux send-keys, a held key) each act, in order', async () => {
    const app = renderApp(threeTiers());
    await app.untilSelected('mountain');
    await app.press('jj');
    await app.untilSelected('sky');
    await app.press('kj');
    await app.untilSelected('sky');
    await app.press('kk');
    await app.untilSelected('mountain');
    // Enter at the end of a chunk opens the pane; the Escape sequence after `j` in another is still one key.
    await app.press(`j${KEYS.down}`);
    await app.untilSelected('sky');
    await app.press(`k${KEYS.enter}`);
    await app.untilText('── cocoon logs');
  });

  it('a bracketed paste outside the prompt runs none of its characters, its end some reads later; keys after it do', async () => {
    const control = threeTiers();
    const app = renderApp(control);
    await app.untilSelected('mountain');
    await app.press(`${KEYS.pasteStart}jr`, 's\r?a', `+q${KEYS.pasteEnd}`);
    await app.untilText('paste ignored: press / (search) or & (filter) first, then paste');
    expect(app.exits).toEqual([]);
    expect(control.calls).toEqual([]);
    expect(app.frame()).not.toMatch(/── (\S+ logs|all tiers)/);
    // A start marker cut by a late read (ink hands its first part over alone) is still one.
    await app.press('\u001B[20', `0~q${KEYS.pasteEnd}`);
    await app.press('j');
    await app.untilSelected('cocoon');
    expect(app.exits).toEqual([]);
    expect(control.calls).toEqual([]);
  });

  it('a key ink cannot name (Ctrl-F1, a colour code typed as keys) is ignored, and keys after it still work', async () => {
    const control = threeTiers();
    const app = renderApp(control);
    await app.untilSelected('mountain');
    await app.press('\u001B[1;5P', '\u001B[31m', 'j');
    await app.untilSelected('cocoon');
    expect(app.exits).toEqual([]);
    expect(control.calls).toEqual([]);
  });

  it('a \\r ending one read and a \\n starting the next are one Enter', async () => {
    const app = renderApp(threeTiers());
    await app.press('\r', '\n');
    await app.untilText('── mountain logs');
    // Enter on cocoon switches the pane to it; a second Enter would close it.
    await app.press('j\r', '\nk');
    await app.untilSelected('mountain');
    await app.untilText('── cocoon logs');
  });

  it('r restarts the selected tier and reports the outcome', async () => {
    const control = threeTiers();
    const app = renderApp(control);
    await app.press('r');
    await app.untilText('restarted mountain');
    expect(control.calls).toEqual([{ command: 'restart', target: 'mountain' }]);
  });

  it('l reloads the selected tier (land reload): a replica its whole tier, a tier without replicas as a restart', async () => {
    const control = new FakeControl(
      stack([
        tier('mountain', 'ready', { pid: 1234, startedAt: T0 - 5000 }),
        tier('web.1', 'ready', { pid: 1300, group: 'web', replica: 1 }),
        tier('web.2', 'ready', { pid: 1301, group: 'web', replica: 2 }),
      ]),
    );
    const app = renderApp(control);
    await app.untilText('l reload');
    await app.press('l');
    await app.untilText('mountain has no replicas: reloaded as a restart');
    await app.press('j', 'j');
    await app.untilSelected('web.2');
    await app.press('l');
    await app.untilText('reloaded web: 2 replicas, one at a time');
    expect(control.calls).toEqual([
      { command: 'reload', target: 'mountain' },
      { command: 'reload', target: 'web' },
    ]);
  });

  it('l on a gated-off tier says why; a view without reloadTier says so', async () => {
    const control = threeTiers();
    const app = renderApp(control);
    await app.press('j');
    await app.untilSelected('cocoon');
    await app.press('l');
    await app.untilText(GATE_MESSAGE);
    expect(control.calls).toEqual([]);
    cleanup();
    const view = threeTiers();
    Object.assign(view, { reloadTier: undefined });
    const other = renderApp(view);
    await other.press('l');
    await other.untilText('this view cannot reload tiers: use `land reload` in a shell');
    expect(view.calls).toEqual([]);
  });

  it('R restarts every running tier (land restart --all)', async () => {
    const control = threeTiers();
    const app = renderApp(control);
    await app.press('R');
    await app.untilText('restarted every running tier');
    expect(control.calls).toEqual([{ command: 'restart-all', target: '' }]);
  });

  it('shows an error thrown by a control call as one line', async () => {
    const control = threeTiers();
    control.onCommand = async () => {
      throw new Error('tier mountain is busy\n  at somewhere');
    };
    const app = renderApp(control);
    await app.press('r');
    await app.untilText('restart mountain failed: tier mountain is busy at somewhere');
  });

  it('shows an error thrown synchronously by a control call too', async () => {
    const control = threeTiers();
    control.onCommand = () => {
      throw new Error('socket closed');
    };
    const app = renderApp(control);
    await app.press('s');
    await app.untilText('stop mountain failed: socket closed');
  });

  it('r on a gated-off tier says why instead of doing nothing', async () => {
    const control = threeTiers();
    const app = renderApp(control);
    await app.press('j');
    await app.untilSelected('cocoon');
    await app.press('r');
    await app.untilText(GATE_MESSAGE);
    expect(control.calls).toEqual([]);
  });

  it('s stops a running tier and starts a stopped one', async () => {
    const control = threeTiers();
    const app = renderApp(control);
    await app.press('s');
    await app.untilText('stopped mountain');
    expect(control.calls).toEqual([{ command: 'stop', target: 'mountain' }]);
    await app.press('j', 'j');
    await app.untilSelected('sky');
    await app.press('s');
    await app.untilText('started sky');
    expect(control.calls[1]).toEqual({ command: 'start', target: 'sky', force: undefined });
  });

  it('s on a gated-off tier shows the gate and how to override it', async () => {
    const control = threeTiers();
    const app = renderApp(control);
    await app.press(KEYS.down);
    await app.untilSelected('cocoon');
    await app.press('s');
    await app.untilText(GATE_MESSAGE);
    expect(control.calls).toEqual([]);
  });

  it('s on a stopping tier says it is already stopping', async () => {
    const control = threeTiers();
    control.tier('mountain').state = 'stopping';
    const app = renderApp(control);
    await app.press('s');
    await app.untilText('mountain is already stopping');
    expect(control.calls).toEqual([]);
  });

  it('Enter opens the selected tier’s log pane and closes it again', async () => {
    const control = threeTiers();
    control.log('mountain', 'hello from mountain');
    const app = renderApp(control);
    await app.press(KEYS.enter);
    await app.untilText('mountain logs');
    expect(app.frame()).toMatch(/^hello from mountain$/m);
    await app.press(KEYS.enter);
    await app.until((frame) => !frame.includes('mountain logs'), 'the pane closed');
  });

  it('? shows the help; any key hides it without acting on a tier', async () => {
    const control = threeTiers();
    const app = renderApp(control, { rows: 24 });
    await app.press('?');
    await app.untilText('── keys');
    for (const text of ['restart the selected tier', 'q detaches; the stack keeps running', 'Ctrl-C', 'PgUp/PgDn']) {
      expect(app.frame()).toContain(text);
    }
    await app.press('?');
    await app.until((frame) => !frame.includes('── keys'), 'help hidden');
    await app.press('?');
    await app.untilText('── keys');
    await app.press('r');
    await app.until((frame) => !frame.includes('── keys'), 'help hidden by r');
    expect(control.calls).toEqual([]);
    await app.press('?');
    await app.untilText('── keys');
    await app.press(KEYS.escape);
    await app.until((frame) => !frame.includes('── keys'), 'help hidden by Esc');
  });

  it('q with the help open closes the help, as Esc does: it neither quits nor stops the stack; q then quits', async () => {
    for (const mode of ['up', 'watch'] as const) {
      const control = threeTiers();
      const app = renderApp(control, { mode, rows: 24 });
      await app.press('?');
      await app.untilText('── keys');
      await app.press('q');
      await app.until((frame) => !frame.includes('── keys'), 'help hidden by q');
      // Every other key closes it too, acting on nothing: Enter opens no pane, + scales nothing, R restarts nothing.
      for (const key of [KEYS.enter, '+', 'R', 'a', '/']) {
        await app.press('?');
        await app.untilText('── keys');
        await app.press(key);
        await app.until((frame) => !frame.includes('── keys'), `help hidden by ${JSON.stringify(key)}`);
      }
      // No pane opened (Enter, a), no prompt (/: it would show `/▏`).
      expect(app.frame()).not.toMatch(/── \S+ logs|▏/);
      expect([app.exits, control.calls]).toEqual([[], []]);
      if (mode === 'watch') {
        await app.press('q');
        await waitFor(() => app.exits.length === 1, 'q quits once the help is closed');
      }
      cleanup();
    }
  });

  it('the help in up mode says q stops the stack once the help is closed; the key bar says what q does meanwhile', async () => {
    const app = renderApp(threeTiers(), { mode: 'up', rows: 24 });
    await app.press('?');
    await app.untilText('any key (q too) closes this help; then q stops the whole stack gracefully');
    expect(app.frame()).toContain('any key (q too) closes the help · Ctrl-C quit');
    expect(app.frame()).not.toContain('q quit');
    // Every key fits in 24 rows: nothing said to be missing.
    expect(app.frame()).not.toContain('more (a taller terminal');
    await app.press('?');
    await app.until((frame) => frame.includes('? help · q quit'), 'the key bar back');
  });

  it('a short terminal (80×14): the help says how many keys it cannot show, and still says how it closes', async () => {
    const app = renderApp(threeTiers(), { mode: 'watch', columns: 80, rows: 14 });
    await app.press('?');
    await app.untilText('── keys');
    const frame = app.frame();
    const more = /… (\d+) more \(a taller terminal shows every key\)/.exec(frame);
    expect(more).not.toBeNull();
    // The keys shown and the ones counted as missing are every key of the help.
    const shown = HELP_LINES.filter(([keys, what]) => frame.includes(`${keys.padEnd(11)} ${what}`.slice(0, 70))).length;
    expect(shown).toBeGreaterThan(0);
    expect(shown + Number(more![1])).toBe(HELP_LINES.length);
    expect(frame).toContain('any key (q too) closes this help; then q detaches');
    expect(frame.split('\n').length).toBeLessThanOrEqual(14);
  });

  it('q in watch mode leaves without shutting the stack down', async () => {
    const control = threeTiers();
    const app = renderApp(control, { mode: 'watch' });
    await app.press('q');
    await waitFor(() => app.exits.length === 1, 'exit');
    expect(control.calls).toEqual([]);
  });

  it('Ctrl-C in watch mode leaves too', async () => {
    const control = threeTiers();
    const app = renderApp(control, { mode: 'watch' });
    await app.press(KEYS.ctrlC);
    await waitFor(() => app.exits.length === 1, 'exit');
    expect(control.calls).toEqual([]);
  });

  it('q in up mode shuts down and shows each tier stopping until shutdown settles', async () => {
    const control = threeTiers();
    let release!: () => void;
    control.onShutdown = async () => {
      control.state.shuttingDown = true;
      control.emit({ type: 'shutdown', phase: 'begin', reason: 'quit from the UI', at: T0 });
      control.transition('mountain', 'stopping', { reason: 'shutdown' });
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      control.transition('mountain', 'stopped', { reason: 'shutdown', pid: undefined });
    };
    const app = renderApp(control, { mode: 'up' });
    await app.press('q');
    await app.until((frame) => /mountain\s+stopping/.test(frame), 'mountain stopping');
    expect(control.calls).toEqual([{ command: 'shutdown', target: 'quit from the UI' }]);
    expect(app.frame()).toContain('(shutting down)');
    expect(app.exits).toHaveLength(0);

    // A second q while shutting down does not start another shutdown.
    await app.press('q');
    await app.untilText('already shutting down');
    expect(control.calls).toHaveLength(1);
    expect(app.exits).toHaveLength(0);

    release();
    await waitFor(() => app.exits.length === 1, 'exit after shutdown');
    expect(app.frame()).toMatch(/mountain\s+stopped/);
    expect(app.frame()).toContain('stack stopped');
  });

  it('q in up mode still leaves when shutdown fails, and says why', async () => {
    const control = threeTiers();
    control.onShutdown = async () => {
      throw new Error('worker would not die');
    };
    const app = renderApp(control, { mode: 'up' });
    await app.press('q');
    await waitFor(() => app.exits.length === 1, 'exit after failed shutdown');
    expect(app.frame()).toContain('shutdown failed: worker would not die');
  });

  it('leaves when the stack reports it has shut down from elsewhere', async () => {
    const control = threeTiers();
    const app = renderApp(control, { mode: 'watch' });
    await app.untilSelected('mountain');
    control.transition('mountain', 'stopped', { pid: undefined });
    control.emit({ type: 'shutdown', phase: 'end', reason: 'land down', at: T0 });
    await waitFor(() => app.exits.length === 1, 'exit after the stack shut down');
    expect(app.frame()).toMatch(/mountain\s+stopped/);
  });

  it('refuses tier actions while the stack is shutting down', async () => {
    const control = threeTiers();
    control.state.shuttingDown = true;
    const app = renderApp(control);
    await app.press('r');
    await app.untilText('the stack is shutting down');
    expect(control.calls).toEqual([]);
  });
});
