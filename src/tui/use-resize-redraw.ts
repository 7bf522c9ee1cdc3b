/**
 * A resize redraws the UI on a clean screen. ink erases its last frame by that frame's line count, but a terminal
 * that changed width has re-wrapped that frame (tmux, xterm and most others reflow their lines): the count is wrong,
 * and the old header and rows stay above the new frame; lines a shorter terminal pushed into its scrollback come back
 * when it grows again (the header 2–3 times on screen). So once the frame at the new size is out, the screen is
 * cleared and ink writes its last frame again from the top (through ink's own write, which erases its frame, writes
 * ours and puts the frame back: its line count is right from then on). Before the clear, a screenful of newlines
 * scrolls what the screen held into the scrollback: xterm-like terminals do not keep what `ESC[2J` erases, and the
 * dashboard's address printed above the UI would be lost. Copies of old frames may stay there too. A resize that
 * ends at the size of the last cleared screen, with no frame drawn at another size meanwhile, clears nothing.
 */
import { useStdout } from 'ink';
import { useEffect, useRef } from 'react';

/** Clear the screen (not the scrollback: ink's `clearTerminal` would clear that too), cursor home. */
const CLEAR_TERMINAL = '\u001B[2J\u001B[H';
/** ink writes a commit within its render throttle (~34 ms): the frame at the new size is out this long after it. */
const SETTLE_MS = 50;

/**
 * Watches the terminal's resizes while `enabled` (a real terminal, as for the live cells). `columns` and `rows` are
 * the size the App drew with. The ref it returns is true from a resize until the screen was redrawn: nothing may be
 * written in place meanwhile (at positions of the frame the terminal re-wrapped).
 */
export function useResizeRedraw(enabled: boolean, columns: number, rows: number): { readonly current: boolean } {
  const { stdout, write } = useStdout();
  const pending = useRef(false);
  const drawn = useRef({ columns, rows, at: Date.now() });
  /** The size of the screen at the last clear (or at mount), and whether a frame was drawn at another size since. */
  const cleared = useRef({ columns, rows, drawnElsewhere: false });
  useEffect(() => {
    drawn.current = { columns, rows, at: Date.now() };
    if (columns !== cleared.current.columns || rows !== cleared.current.rows) cleared.current.drawnElsewhere = true;
  }, [columns, rows]);
  useEffect(() => {
    if (!enabled) return;
    let timer: NodeJS.Timeout | undefined;
    let tries = 0;
    // Once the App has drawn at the terminal's size (a burst of resizes, a window dragged, redraws once) and ink has
    // written that frame, which is the one ink puts back after the clear.
    const redraw = (): void => {
      const { columns: width, rows: height, at } = drawn.current;
      const wait = at + SETTLE_MS - Date.now();
      const drawnAtSize = width === (stdout.columns || 80) && height === (stdout.rows || 24);
      // A size the App does not follow (a test's) is given a second, then redrawn all the same.
      if ((!drawnAtSize || wait > 0) && (tries += 1) < 20) {
        timer = setTimeout(redraw, Math.max(wait, SETTLE_MS));
        return;
      }
      timer = undefined;
      pending.current = false;
      const size = { columns: stdout.columns || 80, rows: stdout.rows || 24 };
      const { columns: was, rows: wasRows, drawnElsewhere } = cleared.current;
      if (size.columns === was && size.rows === wasRows && !drawnElsewhere) return;
      cleared.current = { ...size, drawnElsewhere: false };
      write('\n'.repeat(size.rows) + CLEAR_TERMINAL);
    };
    const onResize = (): void => {
      pending.current = true;
      tries = 0;
      if (timer) clearTimeout(timer);
      timer = setTimeout(redraw, SETTLE_MS);
    };
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
      if (timer) clearTimeout(timer);
    };
  }, [stdout, write, enabled]);
  return pending;
}
