/**
 * Ctrl-Z: in raw mode the terminal sends it to land as a key, not as SIGTSTP, so land suspends itself as a terminal
 * program does: the terminal back as it found it (cursor shown, bracketed paste and raw mode off: a shell and what it
 * runs would otherwise get paste markers), then SIGTSTP to its whole process
 * group, as the terminal's own ^Z would: under `npx land up` or `npm run dev` the shell waits for npm, which must stop
 * too for the shell to take the terminal back. The tiers run in sessions of their own (spawn-child.ts, side-command.ts:
 * detached), so they go on running; only land's group stops (a tier that writes more than a pipe holds meanwhile waits
 * for land to read it). Once resumed, raw mode comes back and the frame is drawn again on a
 * clean screen (the shell wrote below it meanwhile).
 */
import { useStdin, useStdout } from 'ink';
import { useCallback } from 'react';
import { PASTE_OFF, PASTE_ON } from './paste.js';

const SHOW_CURSOR = '\u001B[?25h';
const HIDE_CURSOR = '\u001B[?25l';
/** Clear the screen (not the scrollback), cursor home: ink then writes its frame from the top. */
const CLEAR_TERMINAL = '\u001B[2J\u001B[H';

/** `bracketedPaste`: runTui turned it on (paste.ts): off while stopped, on again at the resume. */
export function useSuspend(rows: number, bracketedPaste: boolean): () => void {
  const { stdin, isRawModeSupported } = useStdin();
  const { stdout, write } = useStdout();
  return useCallback(() => {
    // No terminal to hand back (a test's streams, a pipe): nothing to suspend from.
    if (!isRawModeSupported) return;
    stdout.write(bracketedPaste ? SHOW_CURSOR + PASTE_OFF : SHOW_CURSOR);
    stdin.setRawMode(false);
    // pid 0: land's process group (npm, npx, a wrapper shell and land). Delivered to land on the way out of kill(2):
    // land stops here until SIGCONT (the shell's `fg` continues the whole group). In a group with no shell to resume
    // it (orphaned: `sh -c`, no job control) the kernel drops the signal, as it does for any program there: then this
    // returns at once and the UI simply carries on.
    process.kill(0, 'SIGTSTP');
    stdin.setRawMode(true);
    stdout.write(bracketedPaste ? HIDE_CURSOR + PASTE_ON : HIDE_CURSOR);
    // Through ink's write: it erases its frame, writes this, and puts its frame back (from the top, once cleared).
    write('\n'.repeat(rows) + CLEAR_TERMINAL);
  }, [stdin, stdout, write, isRawModeSupported, rows, bracketedPaste]);
}
