import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeControl, sleep, stack, T0, tier, waitFor } from './fake-control.js';
import { KEYS, renderApp } from './render-app.js';

afterEach(() => cleanup());

function threeTiers(): FakeControl {
  return new FakeControl(
    stack([
      tier('mountain', 'ready', { pid: 1234, startedAt: T0 - 5000 }),
      tier('cocoon', 'disabled', { gatedBy: 'Spawn', reason: 'Spawn=false' }),
      tier('sky', 'stopped', { reason: 'stopped from the UI' }),
    ]),
  );
}

describe('App keys', () => {
  it('↑/↓ and j/k move the selection, stopping at the ends', async () => {
    const app = renderApp(threeTiers());
    await sleep(50);
    expect(app.row('mountain')).toMatch(/^›/);
    await app.press(KEYS.down);
    expect(app.row('cocoon')).toMatch(/^›/);
    expect(app.row('mountain')).toMatch(/^ /);
    await app.press('j', 'j');
    expect(app.row('sky')).toMatch(/^›/);
    await app.press(KEYS.up);
    expect(app.row('cocoon')).toMatch(/^›/);
    await app.press('k', 'k');
    expect(app.row('mountain')).toMatch(/^›/);
  });

  it('r restarts the selected tier and reports the outcome', async () => {
    const control = threeTiers();
    const app = renderApp(control);
    await sleep(50);
    await app.press('r');
    expect(control.calls).toEqual([{ command: 'restart', target: 'mountain' }]);
    expect(app.frame()).toContain('restarted mountain');
  });

  it('shows an error thrown by a control call as one line', async () => {
    const control = threeTiers();
    control.onCommand = async () => {
      throw new Error('tier mountain is busy\n  at somewhere');
    };
    const app = renderApp(control);
    await sleep(50);
    await app.press('r');
    expect(app.frame()).toContain('restart mountain failed: tier mountain is busy at somewhere');
  });

  it('r on a gated-off tier says why instead of doing nothing', async () => {
    const control = threeTiers();
    const app = renderApp(control);
    await app.press('j', 'r');
    expect(control.calls).toEqual([]);
    expect(app.frame()).toContain('cocoon is gated off by Spawn=false — use `land spawn cocoon` to override');
  });

  it('s stops a running tier and starts a stopped one', async () => {
    const control = threeTiers();
    const app = renderApp(control);
    await app.press('s');
    expect(control.calls).toEqual([{ command: 'stop', target: 'mountain' }]);
    expect(app.frame()).toContain('stopped mountain');
    await app.press('j', 'j', 's');
    expect(control.calls[1]).toEqual({ command: 'start', target: 'sky', force: undefined });
    expect(app.frame()).toContain('started sky');
  });

  it('s on a gated-off tier shows the gate and how to override it', async () => {
    const control = threeTiers();
    const app = renderApp(control);
    await app.press(KEYS.down, 's');
    expect(control.calls).toEqual([]);
    expect(app.frame()).toContain('cocoon is gated off by Spawn=false — use `land spawn cocoon` to override');
  });

  it('s on a stopping tier says it is already stopping', async () => {
    const control = threeTiers();
    control.tier('mountain').state = 'stopping';
    const app = renderApp(control);
    await app.press('s');
    expect(control.calls).toEqual([]);
    expect(app.frame()).toContain('mountain is already stopping');
  });

  it('Enter opens the selected tier’s log pane and closes it again', async () => {
    const control = threeTiers();
    control.log('mountain', 'hello from mountain');
    const app = renderApp(control);
    await app.press(KEYS.enter);
    expect(app.frame()).toContain('mountain logs');
    expect(app.frame()).toContain('hello from mountain');
    await app.press(KEYS.enter);
    expect(app.frame()).not.toContain('mountain logs');
  });

  it('? shows the help and hides it again', async () => {
    const app = renderApp(threeTiers());
    await app.press('?');
    expect(app.frame()).toContain('── keys');
    expect(app.frame()).toContain('restart the selected tier');
    expect(app.frame()).toContain('q detaches; the stack keeps running');
    await app.press('?');
    expect(app.frame()).not.toContain('── keys');
    await app.press('?', KEYS.escape);
    expect(app.frame()).not.toContain('── keys');
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
    expect(control.calls).toEqual([{ command: 'shutdown', target: 'quit from the UI' }]);
    await waitFor(() => /mountain\s+stopping/.test(app.frame()), 'mountain stopping');
    expect(app.frame()).toContain('shutting down');
    expect(app.exits).toHaveLength(0);

    // A second q while shutting down does not start another shutdown.
    await app.press('q');
    expect(control.calls).toHaveLength(1);
    expect(app.frame()).toContain('already shutting down');

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
    await sleep(50);
    control.transition('mountain', 'stopped', { pid: undefined });
    control.emit({ type: 'shutdown', phase: 'end', reason: 'land down', at: T0 });
    await waitFor(() => app.exits.length === 1, 'exit after the stack shut down');
    expect(app.frame(), app.frame()).toMatch(/mountain\s+stopped/);
  });

  it('refuses tier actions while the stack is shutting down', async () => {
    const control = threeTiers();
    control.state.shuttingDown = true;
    const app = renderApp(control);
    await app.press('r');
    expect(control.calls).toEqual([]);
    expect(app.frame()).toContain('the stack is shutting down');
  });
});
