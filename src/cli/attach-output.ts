/**
 * What `land attach` prints of a tier's lines: its output as a terminal would show it. A line the tier has not ended
 * yet (a prompt such as `> ` or `(Pdb) `) comes as quiet fragments marked `…` where the line goes on (README "A line
 * left without its newline"): here the marks go and the fragments join, so a prompt stays open and what the user
 * types is echoed after it, as in a terminal.
 */
import type { LogLine } from '../control/protocol.js';
import { CUT_MARK } from '../supervisor/fragments.js';

export class AttachOutput {
  /** The cursor is at a line's start: nothing printed yet, a whole line, or the user's Enter after an open line. */
  private atLineStart = true;

  /** The text to print for one line of the follow stream (undefined: nothing, e.g. an OTLP log record). */
  render(line: LogLine): string | undefined {
    if (line.stream === 'otlp') return undefined;
    const { cut } = line;
    let text = line.line;
    if (cut === 'middle' || cut === 'last') text = text.startsWith(CUT_MARK) ? text.slice(CUT_MARK.length) : text;
    if (cut === 'first' || cut === 'middle') text = text.endsWith(CUT_MARK) ? text.slice(0, -CUT_MARK.length) : text;
    const continues = cut === 'middle' || cut === 'last';
    const ends = cut === undefined || cut === 'last';
    // A new line while the last one was left open: it ended with nothing more to show (its newline alone).
    const lead = !continues && !this.atLineStart ? '\n' : '';
    const shown = `${lead}${text}${ends ? '\n' : ''}`;
    if (shown !== '') this.atLineStart = ends;
    return shown;
  }

  /** The terminal echoed the user's Enter: the cursor is at a line's start again. */
  lineTyped(): void {
    this.atLineStart = true;
  }
}
