import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { loadTui } from '../../src/tui/load.js';
import { FakeControl, plain, sleep, stack, T0, tier, waitFor } from './fake-control.js';
import { asStdin, asStdout, FakeKeyboard, FakeTerminal } from './fake-terminal.js';

// As land loads it: live frames even where CI=true is set (ink decides once, when it is first imported).
const { App, runTui } = await loadTui();
const { render } = await import('ink');


const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function control(): FakeControl {
  return new FakeControl(stack([tier('mountain', 'ready', { pid: 1234, startedAt: T0 })]));
}

/** The last frame ink drew: the text after the last erase-lines sequence. */
function lastScreen(terminal: FakeTerminal): string {
  const text = plain(terminal.output.replace(/\u001B\[\d*[GK]/g, ''));
  return text.slice(text.lastIndexOf('land '));
}

describe('runTui', () => {
  it('watch mode: q resolves and leaves the stack running; nothing stays subscribed', async () => {
    const stack = control();
    const terminal = new FakeTerminal();
    const keyboard = new FakeKeyboard();
    const done = runTui(stack, { mode: 'watch', stdout: asStdout(terminal), stdin: asStdin(keyboard) });
    await waitFor(() => terminal.output.includes('mountain'), 'first frame');
    expect(stack.listenerCount).toBe(1);
    keyboard.type('q');
    await done;
    expect(stack.calls).toEqual([]);
    expect(stack.listenerCount).toBe(0);
    // Raw mode was turned on for keys and is off again.
    expect(keyboard.rawModes[0]).toBe(true);
    expect(keyboard.rawModes.at(-1)).toBe(false);
    // Bracketed paste on before the first frame, and off again with the cursor shown.
    expect(terminal.output.startsWith('\u001B[?2004h')).toBe(true);
    expect(terminal.output.endsWith('\u001B[?25h\u001B[?2004l')).toBe(true);
  });

  it('up mode: Ctrl-C shuts the stack down, shows it stopping, and resolves once shutdown settles', async () => {
    const stack = control();
    let release!: () => void;
    stack.onShutdown = async () => {
      stack.state.shuttingDown = true;
      stack.transition('mountain', 'stopping', { reason: 'shutdown' });
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      stack.transition('mountain', 'stopped', { reason: 'shutdown', pid: undefined });
    };
    const terminal = new FakeTerminal();
    const keyboard = new FakeKeyboard();
    let resolved = false;
    const done = runTui(stack, { mode: 'up', stdout: asStdout(terminal), stdin: asStdin(keyboard) }).then(() => {
      resolved = true;
    });
    await waitFor(() => terminal.output.includes('mountain'), 'first frame');
    keyboard.type('\u0003');
    await waitFor(() => /mountain\s+stopping/.test(lastScreen(terminal)), 'stopping shown');
    expect(stack.calls).toEqual([{ command: 'shutdown', target: 'quit from the UI' }]);
    await sleep(100);
    expect(resolved).toBe(false);
    release();
    await done;
    expect(lastScreen(terminal)).toMatch(/mountain\s+stopped/);
  });

  it('registers a process exit handler that restores the terminal, and removes it afterwards', async () => {
    const stack = control();
    const terminal = new FakeTerminal();
    const keyboard = new FakeKeyboard();
    const before = process.listeners('exit');
    const done = runTui(stack, { mode: 'watch', stdout: asStdout(terminal), stdin: asStdin(keyboard) });
    await waitFor(() => terminal.output.includes('mountain'), 'first frame');
    const added = process
      .listeners('exit')
      .filter((listener) => !before.includes(listener) && listener.name === 'onProcessExit');
    expect(added).toHaveLength(1);

    // What a crash would run: the cursor comes back, bracketed paste and raw mode go off.
    terminal.output = '';
    keyboard.rawModes = [];
    for (const listener of added) (listener as (code: number) => void)(1);
    expect(terminal.output).toContain('\u001B[?25h');
    expect(terminal.output).toContain('\u001B[?2004l');
    expect(keyboard.rawModes).toContain(false);

    keyboard.type('q');
    await done;
    expect(process.listeners('exit').filter((listener) => added.includes(listener))).toEqual([]);
  });
});

// These mostly wait (on the usage sampler's 2 s, a resize's settling): side by side, each ending what it started
// through its own onTestFinished (the file's afterEach would end the others').
describe.concurrent('App and the terminal', () => {
  it('follows a resize of the terminal', async ({ onTestFinished }) => {
    const stack = control();
    stack.tier('mountain').lastLine = 'w'.repeat(300);
    const terminal = new FakeTerminal(80, 24);
    const keyboard = new FakeKeyboard();
    const instance = render(<App control={stack} mode="watch" clock={() => T0} sampleUsage={false} />, {
      stdout: asStdout(terminal),
      stdin: asStdin(keyboard),
      exitOnCtrlC: false,
      patchConsole: false,
      debug: true,
    });
    onTestFinished(() => instance.unmount());
    const widest = () => {
      const frame = terminal.output.slice(terminal.output.lastIndexOf('land '));
      return Math.max(...plain(frame).split('\n').map((line) => Array.from(line).length));
    };
    await waitFor(() => terminal.output.includes('mountain'), 'first frame');
    expect(widest()).toBeLessThanOrEqual(80);
    terminal.output = '';
    terminal.resize(140, 30);
    await waitFor(() => terminal.output.includes('mountain') && widest() > 100, 'a wider frame');
    expect(widest()).toBeLessThanOrEqual(140);
    terminal.output = '';
    terminal.resize(60, 20);
    await waitFor(() => terminal.output.includes('mountain') && widest() <= 60, 'a narrower frame');
  });

  it('after a resize scrolls the screen into the scrollback before clearing it, and clears nothing for a resize back to the same size', async ({ onTestFinished }) => {
    const terminal = new FakeTerminal(80, 24);
    const instance = render(<App control={control()} mode="watch" clock={() => T0} sampleUsage={false} liveCells />, {
      stdout: asStdout(terminal),
      stdin: asStdin(new FakeKeyboard()),
      exitOnCtrlC: false,
      patchConsole: false,
    });
    onTestFinished(() => instance.unmount());
    await waitFor(() => terminal.output.includes('mountain'), 'first frame');
    const CLEAR = '\u001B[2J\u001B[H';
    terminal.resize(80, 24);
    // Long past the redraw's settling (50 ms, then a second at most for a size the App does not follow).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(terminal.output).not.toContain(CLEAR);
    terminal.resize(60, 20);
    await waitFor(() => terminal.output.includes(CLEAR), 'the clear after a real resize');
    // A screenful of newlines first: xterm does not keep what ESC[2J erases (the dashboard's address above the UI).
    expect(terminal.output).toContain('\n'.repeat(20) + CLEAR);
  });

  it('shows the CPU and memory of a running tier’s process tree', async ({ onTestFinished }) => {
    const { terminal } = showTier('setInterval(() => {}, 1000)', onTestFinished);
    // READY, CPU, MEM: a percentage and a size in megabytes.
    await waitFor(() => /mountain\s+ready\s+\d+\s+\S+\s+0\s+-\s+[\d.]+%\s+\d+(\.\d)?M/.test(plain(terminal.output)), 'usage', 10_000);
  });

  // The sampler gives its last sample again when no tree's usage moved, and the UI then formats nothing: a tier that
  // turns busy must still show it on a following sample.
  it("shows a tier's CPU moving after samples in which nothing moved", async ({ onTestFinished }) => {
    const script = "process.on('SIGUSR1', () => { for (;;); }); setInterval(() => {}, 1 << 30)";
    const { child, terminal } = showTier(script, onTestFinished);
    const cpu = (): number | undefined => {
      const shown = [...plain(terminal.output).matchAll(/mountain\s+ready\s+\d+\s+\S+\s+0\s+-\s+([\d.]+)%/g)].at(-1);
      return shown ? Number(shown[1]) : undefined;
    };
    // Idle: its start-up's CPU at the first sample, then under a core at every later one (two samples, 4 s).
    await waitFor(() => cpu() !== undefined, 'usage', 10_000);
    await sleep(4_500);
    const idle = cpu()!;
    expect(idle).toBeLessThan(50);
    child.kill('SIGUSR1');
    // Moving, not near a core: on a loaded 2-core machine a spinning process gets a share of a core (~13 % at load 15).
    await waitFor(() => (cpu() ?? 0) >= Math.max(10, idle + 5), 'the busy tier moving', 10_000);
  }, 30_000);
});

/** The App, with its usage sampler, over one tier whose process runs `script` in node; both ended after the test. */
function showTier(script: string, onFinished: (cleanup: () => void | Promise<void>) => void) {
  const child = execa(process.execPath, ['-e', script], { reject: false });
  onFinished(async () => {
    child.kill('SIGKILL');
    await child;
  });
  const terminal = new FakeTerminal(100, 24);
  const instance = render(<App control={new FakeControl(stack1(child.pid!))} mode="watch" clock={() => T0} />, {
    stdout: asStdout(terminal),
    stdin: asStdin(new FakeKeyboard()),
    exitOnCtrlC: false,
    patchConsole: false,
    debug: true,
  });
  onFinished(() => instance.unmount());
  return { child, terminal };
}

function stack1(pid: number) {
  return stack([tier('mountain', 'ready', { pid, startedAt: T0 })]);
}
