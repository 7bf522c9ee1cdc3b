/**
 * Ctrl-Z: in raw mode the terminal sends it to land as a key, not as SIGTSTP, so land suspends itself as a terminal
 * program does: the terminal back as it found it (cursor shown, bracketed paste and raw mode off: a shell and what it
 * runs would otherwise get paste markers), then SIGTSTP to its whole process
 * group, as the terminal's own ^Z would: under `npx land up` or `npm run dev` the shell waits for npm, which must stop
 * too for the shell to take the terminal back. The tiers run in sessions of their own (spawn-child.ts, side-command.ts:
 * detached), so they go on running; only land's group stops (a tier that writes more than a pipe holds meanwhile waits
 * for land to read it).
 *
 * The return is terminal-turn.ts's, whatever stopped land (this, `kill -STOP`) or kept it in the background (`bg`,
 * `land up &`): once land has the terminal again, the cursor is hidden, bracketed paste on, and the frame drawn again
 * on a clean screen (the shell wrote below it meanwhile).
 */
import { useStdin, useStdout } from 'ink';
import { useCallback, useEffect } from 'react';
import { PASTE_OFF, PASTE_ON } from './paste.js';
import type { TerminalTurn } from './terminal-turn.js';

const SHOW_CURSOR = '\u001B[?25h';
const HIDE_CURSOR = '\u001B[?25l';
/** Clear the screen (not the scrollback), cursor home: ink then writes its frame from the top. */
const CLEAR_TERMINAL = '\u001B[2J\u001B[H';

/**
 * `bracketedPaste`: runTui turned it on (paste.ts): off while stopped, on again at the return. `terminal`: runTui's,
 * on a real terminal (none for a test's streams or a pipe: nothing to suspend from).
 */
export function useSuspend(rows: number, bracketedPaste: boolean, terminal: TerminalTurn | undefined): () => void {
  const { isRawModeSupported } = useStdin();
  const { stdout, write } = useStdout();
  useEffect(() => {
    if (!terminal) return;
    return terminal.onFront(() => {
      stdout.write(bracketedPaste ? HIDE_CURSOR + PASTE_ON : HIDE_CURSOR);
      // Through ink's write: it erases its frame, writes this, and puts its frame back (from the top, once cleared).
      write('\n'.repeat(rows) + CLEAR_TERMINAL);
    });
  }, [terminal, stdout, write, rows, bracketedPaste]);
  return useCallback(() => {
    if (!isRawModeSupported || !terminal) return;
    stdout.write(bracketedPaste ? SHOW_CURSOR + PASTE_OFF : SHOW_CURSOR);
    terminal.beforeStop();
    // pid 0: land's process group (npm, npx, a wrapper shell and land). Delivered to land on the way out of kill(2):
    // land stops here until SIGCONT (the shell's `fg` continues the whole group). In a group with no shell to resume
    // it (orphaned: `sh -c`, no job control) the kernel drops the signal, as it does for any program there: then this
    // returns at once and the UI simply carries on.
    process.kill(0, 'SIGTSTP');
    terminal.afterStop();
  }, [stdout, isRawModeSupported, bracketedPaste, terminal]);
}
