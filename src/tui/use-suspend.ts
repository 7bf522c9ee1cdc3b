/**
 * Ctrl-Z: in raw mode the terminal sends it to land as a key, not as SIGTSTP, so land suspends itself as a terminal
 * program does: the terminal back as it found it (cursor shown, bracketed paste and raw mode off: a shell and what it
 * runs would otherwise get paste markers), then SIGTSTP to its whole process
 * group, as the terminal's own ^Z would: under `npx land up` or `npm run dev` the shell waits for npm, which must stop
 * too for the shell to take the terminal back. The tiers run in sessions of their own (spawn-child.ts, side-command.ts:
 * detached), so they go on running; only land's group stops (a tier that writes more than a pipe holds meanwhile waits
 * for land to read it).
 *
 * Any resume (SIGCONT: `fg` after Ctrl-Z, or after a stop from outside, `kill -STOP`, whose shell put the terminal
 * back in line mode meanwhile) puts raw mode, the hidden cursor and bracketed paste back, and draws the frame again on
 * a clean screen (the shell wrote below it meanwhile), once land is in the terminal's foreground again (after a
 * `kill -CONT` from outside, land runs on in the background until `fg`).
 */
import { readFileSync } from 'node:fs';
import { useStdin, useStdout } from 'ink';
import { useCallback, useEffect } from 'react';
import { PASTE_OFF, PASTE_ON } from './paste.js';

const SHOW_CURSOR = '\u001B[?25h';
const HIDE_CURSOR = '\u001B[?25l';
/** Clear the screen (not the scrollback), cursor home: ink then writes its frame from the top. */
const CLEAR_TERMINAL = '\u001B[2J\u001B[H';
/** How often a land continued in the background looks whether it is in front again. */
const FOREGROUND_POLL_MS = 200;

/** `bracketedPaste`: runTui turned it on (paste.ts): off while stopped, on again at the resume. */
export function useSuspend(rows: number, bracketedPaste: boolean): () => void {
  const { stdin, isRawModeSupported } = useStdin();
  const { stdout, write } = useStdout();
  const terminalModes = useCallback(() => {
    stdin.setRawMode(true);
    stdout.write(bracketedPaste ? HIDE_CURSOR + PASTE_ON : HIDE_CURSOR);
  }, [stdin, stdout, bracketedPaste]);

  useEffect(() => {
    if (!isRawModeSupported) return;
    let waiting: NodeJS.Timeout | undefined;
    const restore = () => {
      // Continued in the background (`kill -CONT` while the shell holds the terminal): the terminal is the shell's
      // until `fg`, which sends no SIGCONT to a job already running. Looked at again until then (a read of /proc).
      if (!inForeground()) {
        waiting ??= setInterval(restore, FOREGROUND_POLL_MS).unref();
        return;
      }
      clearInterval(waiting);
      waiting = undefined;
      // Off, then on: node (libuv) skips a change to the mode it believes the terminal is in, and the shell changed it.
      stdin.setRawMode(false);
      terminalModes();
      // Through ink's write: it erases its frame, writes this, and puts its frame back (from the top, once cleared).
      write('\n'.repeat(rows) + CLEAR_TERMINAL);
    };
    process.on('SIGCONT', restore);
    return () => {
      process.off('SIGCONT', restore);
      clearInterval(waiting);
    };
  }, [stdin, write, isRawModeSupported, rows, terminalModes]);

  return useCallback(() => {
    // No terminal to hand back (a test's streams, a pipe): nothing to suspend from.
    if (!isRawModeSupported) return;
    stdout.write(bracketedPaste ? SHOW_CURSOR + PASTE_OFF : SHOW_CURSOR);
    stdin.setRawMode(false);
    // pid 0: land's process group (npm, npx, a wrapper shell and land). Delivered to land on the way out of kill(2):
    // land stops here until SIGCONT (the shell's `fg` continues the whole group; the SIGCONT listener above redraws).
    // In a group with no shell to resume it (orphaned: `sh -c`, no job control) the kernel drops the signal, as it
    // does for any program there: then this returns at once and the UI simply carries on in its modes.
    process.kill(0, 'SIGTSTP');
    terminalModes();
  }, [stdin, stdout, isRawModeSupported, bracketedPaste, terminalModes]);
}

/**
 * Whether land's process group is the terminal's foreground group (/proc/self/stat: pgrp and tpgid); true where
 * /proc cannot say.
 */
function inForeground(): boolean {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const [, , pgrp, , , tpgid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return pgrp === tpgid;
  } catch {
    return true;
  }
}
