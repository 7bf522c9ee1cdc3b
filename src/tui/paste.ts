/**
 * Bracketed paste: runTui asks the terminal for it (`ESC[?2004h`), and the terminal then wraps a paste in
 * `ESC[200~` … `ESC[201~`, so land can tell pasted text from typed keys: a pasted `q` must not quit. `InputGate`
 * reads ink's input events (each a slice of what the terminal sent: a run of text, or one escape sequence) before
 * ink's useInput makes keys of them, and says what of each is keys and what a paste (use-keys.ts).
 * It also joins a `\r\n` cut between two reads into one Enter (split-keys.ts joins it within one read).
 */
import { dropControls } from '../text/controls.js';

export const PASTE_ON = '\u001B[?2004h';
export const PASTE_OFF = '\u001B[?2004l';
const START = '\u001B[200~';
const END = '\u001B[201~';
/** Characters of one paste kept: a search or filter text, not a document. The rest is read and dropped. */
export const PASTE_MAX = 1024;
/**
 * A paste whose end marker has not come ends when no input has come for this long (use-keys.ts), and what follows
 * is keys again. A terminal sends a paste as one burst, so a second of quiet means the end marker is not coming (a
 * start marker alone: `printf` to the tty, a paste cut by a dropped connection). Not a byte count: a long real paste
 * cut there would have its rest run as keys, a pasted `q` quitting land, which is what bracketed paste prevents.
 */
export const INPUT_IDLE_MS = 1000;

export interface GateStep {
  /** What of the event is keys, for ink to make keys of: the event, less a `\n` that ends a `\r\n` begun in the event
   * before (one Enter, not two), or the text typed after a paste's end marker in the same event. */
  keys?: string;
  /** A paste ended with this event: its text (its first PASTE_MAX characters). */
  pasted?: string;
}

const SWALLOWED: GateStep = {};

/** The longest end of `text` that is the start of `marker` (a marker cut by a read). */
function markerStartAtEnd(text: string, marker: string): number {
  for (let length = Math.min(marker.length - 1, text.length); length > 0; length--) {
    if (text.endsWith(marker.slice(0, length))) return length;
  }
  return 0;
}

export class InputGate {
  private inPaste = false;
  private text = '';
  /** A marker's beginning, held until the next event says whether it is one. */
  private held = '';
  private endedWithReturn = false;

  /** A start marker came and its end marker has not. */
  get pasting(): boolean {
    return this.inPaste;
  }

  /** No input came for a while (INPUT_IDLE_MS) inside a paste: its end marker is not coming; the paste ends here. */
  end(): GateStep {
    if (!this.inPaste) return SWALLOWED;
    const pasted = this.text + this.held;
    this.inPaste = false;
    this.text = '';
    this.held = '';
    this.endedWithReturn = false;
    return { pasted: pasted.slice(0, PASTE_MAX) };
  }

  read(raw: string): GateStep {
    const step = this.step(raw);
    const keys = step.keys !== undefined && this.endedWithReturn && step.keys.startsWith('\n') ? step.keys.slice(1) : step.keys;
    if (keys !== undefined) this.endedWithReturn = keys.endsWith('\r');
    else if (step.pasted !== undefined) this.endedWithReturn = false;
    return keys === step.keys ? step : { ...step, keys };
  }

  private step(raw: string): GateStep {
    if (this.inPaste) return this.paste(raw);
    const data = this.held + raw;
    const held = this.held;
    this.held = '';
    if (data.startsWith(START)) {
      this.inPaste = true;
      this.text = '';
      return this.paste(data.slice(START.length));
    }
    // ink hands over an escape sequence it could not finish when the read after it is late: `ESC[20` then `0~…`.
    // A lone ESC is the Escape key; `ESC[2`… is no key land has.
    if (data.length >= 2 && START.startsWith(data)) {
      this.held = data;
      return SWALLOWED;
    }
    // What was held was no marker: it goes on as keys (key-filter.ts joins a sequence cut so, `ESC[` then `A`, and
    // drops what no key is); this event is read on its own.
    if (held !== '') {
      const rest = this.step(raw);
      return { ...rest, keys: held + (rest.keys ?? '') };
    }
    return { keys: raw };
  }

  private paste(raw: string): GateStep {
    const data = this.held + raw;
    this.held = '';
    const end = data.indexOf(END);
    if (end < 0) {
      const keep = markerStartAtEnd(data, END);
      this.keep(data.slice(0, data.length - keep));
      this.held = data.slice(data.length - keep);
      return SWALLOWED;
    }
    this.keep(data.slice(0, end));
    this.inPaste = false;
    const pasted = this.text;
    const after = data.slice(end + END.length);
    this.text = '';
    return after === '' ? { pasted } : { pasted, keys: after };
  }

  private keep(piece: string): void {
    const room = PASTE_MAX - this.text.length;
    if (room > 0) this.text += piece.slice(0, room);
  }
}

// CSI and other escape sequences a paste may carry (a copied coloured line): not text to search for.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\u001B(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001B]*(?:\u0007|\u001B\\)|[@-Z\\-_])?/g;

/**
 * What a paste adds to the one-line prompt: a copied line's own line break (at either end) dropped, each break
 * inside the text one space (a search matches within one log line, and the person sees what they pasted), tabs as
 * the pane shows them (two spaces), other control characters and escape sequences dropped.
 */
export function pastedLine(text: string): string {
  const line = text
    .replace(ESCAPES, '')
    .replace(/^[\r\n]+|[\r\n]+$/g, '')
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(/\t/g, '  ');
  return dropControls(line).replace(/[\uD800-\uDBFF]$/, '');
}
