/** Mount the UI on a terminal until the person quits, and leave the terminal as it was on every exit path. */
import { isatty } from 'node:tty';
import { render } from 'ink';
import type { SupervisorControl } from '../supervisor/types.js';
import { App } from './app.js';
import { PASTE_OFF, PASTE_ON } from './paste.js';
import { TerminalTurn } from './terminal-turn.js';

/** ink's screen-reader mode writes another layout than the one live cells are placed on: no rewrites in place then. */
const screenReader = (): boolean => process.env['INK_SCREEN_READER'] === 'true';

export interface RunTuiOptions {
  mode: 'up' | 'watch';
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  /** 'up': Ctrl-C during the shutdown kills every tier now and exits (it does not return). */
  onKillNow?: () => void;
}

const SHOW_CURSOR = '\u001B[?25h';
const FINAL_FRAME_MS = 50;

/** Where bracketed paste is asked for (paste.ts): a terminal on both sides, which is where keys are read from. */
const pastes = (stdout: NodeJS.WriteStream, stdin: NodeJS.ReadStream): boolean => stdout.isTTY === true && stdin.isTTY === true;

/** Both streams a real terminal (a test's streams are not): where job control applies (terminal-turn.ts). */
function realTerminal(...streams: Array<NodeJS.WriteStream | NodeJS.ReadStream>): boolean {
  return streams.every((stream) => {
    const fd = (stream as { fd?: unknown }).fd;
    return typeof fd === 'number' && isatty(fd);
  });
}

/** Cursor shown, bracketed paste and raw mode off, synchronously: also what runs from process 'exit' after a crash. */
function restoreTerminal(stdout: NodeJS.WriteStream, stdin: NodeJS.ReadStream): void {
  try {
    if (stdout.isTTY) stdout.write(pastes(stdout, stdin) ? SHOW_CURSOR + PASTE_OFF : SHOW_CURSOR);
  } catch {
    // The terminal may already be gone.
  }
  try {
    if (stdin.isTTY && typeof stdin.setRawMode === 'function') stdin.setRawMode(false);
  } catch {
    // Same.
  }
}

/** How the UI ended: the person quit (or the stack stopped), or the terminal went away under it. */
export type TuiEnd = 'quit' | 'terminal-lost';

/**
 * Render until the user quits. 'up': q/Ctrl-C shuts the stack down and the UI shows it stopping until shutdown
 * settles. 'watch': q detaches and the stack keeps running. Either way the UI also ends when the stack reports
 * that it has shut down. A terminal that fails under the UI (EIO once the pty is closed, a destroyed stream) ends it
 * at once with 'terminal-lost': what happens to the stack is the caller's choice.
 */
export async function runTui(control: SupervisorControl, options: RunTuiOptions): Promise<TuiEnd> {
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  const onProcessExit = () => restoreTerminal(stdout, stdin);
  process.on('exit', onProcessExit);

  let unmount: (() => void) | undefined;
  let exitRequested = false;
  let terminalLost = false;
  const onTerminalError = () => {
    if (terminalLost) return;
    terminalLost = true;
    try {
      unmount?.();
    } catch {
      // ink's last writes go to the terminal that is gone.
    }
  };
  stdout.on('error', onTerminalError);
  stdin.on('error', onTerminalError);
  // A hung-up terminal reads as end of file.
  stdin.on('end', onTerminalError);
  const onExit = () => {
    exitRequested = true;
    // Let ink write the frame that shows the final state (its renders are throttled to ~30 fps) before unmounting.
    setTimeout(() => unmount?.(), FINAL_FRAME_MS);
  };
  // ink unmounts itself on process exit and redraws its last frame over the lines written after it: it goes first,
  // so killNow's last line stays on screen.
  const onKillNow =
    options.onKillNow &&
    (() => {
      try {
        unmount?.();
      } catch {
        // The terminal is gone: the kill goes on.
      }
      options.onKillNow!();
    });
  // First: in the background (`land up &`) nothing below may read the terminal, set its mode or draw on it.
  const terminal = realTerminal(stdout, stdin) ? new TerminalTurn(stdin, stdout) : undefined;
  try {
    const bracketedPaste = pastes(stdout, stdin);
    // Asked before ink reads a key: a paste is then marked as one, and a pasted `q` is text, not a quit.
    if (bracketedPaste) stdout.write(PASTE_ON);
    const app = (
      <App control={control} mode={options.mode} onExit={onExit} onKillNow={onKillNow} liveCells={!screenReader()} bracketedPaste={bracketedPaste} terminal={terminal} />
    );
    const instance = render(app, {
      stdout,
      stdin,
      exitOnCtrlC: false,
      // console.* goes to process.stdout: keep it above the UI only when that is where the UI draws.
      patchConsole: stdout === process.stdout,
    });
    unmount = instance.unmount;
    if (exitRequested) setTimeout(() => instance.unmount(), FINAL_FRAME_MS);
    if (terminalLost) instance.unmount();
    await instance.waitUntilExit().catch(() => undefined);
  } finally {
    process.off('exit', onProcessExit);
    // A terminal that is gone keeps its listeners: its late errors must still find one.
    if (!terminalLost) {
      // Through the turn's setRawMode and write: nothing of it in the background, whose terminal is the shell's.
      restoreTerminal(stdout, stdin);
      stdout.off('error', onTerminalError);
      stdin.off('error', onTerminalError);
      stdin.off('end', onTerminalError);
    }
    terminal?.close();
  }
  return terminalLost ? 'terminal-lost' : 'quit';
}
