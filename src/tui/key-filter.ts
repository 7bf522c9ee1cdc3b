/**
 * What of the terminal's input may reach ink's key parsing: text, and the escape sequences that are keys ink names
 * (arrows, PgUp/PgDn, Home/End, Delete, Shift-Tab, F-keys, Escape, Alt-Enter/Backspace). Every other escape sequence
 * is dropped whole: ink 6.8's useInput throws (`input.startsWith` of undefined) on a CSI whose modifier reads as Ctrl
 * and whose key it cannot name (`ESC[31m`), and hands the rest of an unnamed one over as typed text (`ESC[2 q` was a
 * `q`: land quit). Such sequences come from a terminal's answers to a query someone else printed (`ESC[12;40R`,
 * `ESC]11;rgb:…BEL`), from text pasted where bracketed paste is off, or from `tmux send-keys -H`.
 * It reads ink's input events (each a run of text or one sequence, as ink cut a read), keeping a sequence cut by a
 * late read (`ESC[1` then `;5A`) and an OSC/DCS/APC/PM/SOS string (`ESC]…` up to BEL or `ESC\`) across events: an
 * OSC's text comes from ink as typed text, `r` and `q` among it.
 * Escape typed just as a terminal's answer arrives makes one read of both: ink cuts `ESC ESC]11;…` into the event
 * `ESC ESC` and the string's text, and reads `ESC ESC[12;40R` as Alt with a sequence it cannot name. The first is
 * told apart from Escape typed twice by what follows in the same read (`flush()` decides when nothing did).
 */

const ESC = '\u001B';
/** A sequence cut by a read is held at most this long: no key is longer; a longer one is dropped. */
const HELD_MAX = 64;

// The sequences ink's parse-keypress names (its keyName table), with an optional second ESC (Alt) and xterm's
// modifier parameter (`ESC[1;5A`, `ESC[5;3~`).
const NAMED_CSI = /^\u001B{1,2}(?:\[(?:1;\d+)?[A-FHZa-e]|\[(?:[1-8]|1[1-5]|1[7-9]|2[0134])(?:;\d+)?~|\[[235-8][$^]|\[\[[A-E]|\[\[[56]~|O[A-FHP-Sa-e])$/;
// Escape itself (ink flushes a lone ESC when nothing follows it), and Alt with Enter, Backspace (BS, DEL), space.
const NAMED_OTHER = new Set([ESC, ESC + ESC, `${ESC}\r`, `${ESC}\b`, `${ESC}\u007F`, `${ESC} `]);

/** Whether ink names this escape sequence as a key (and so parses it without harm). */
export function isNamedKey(sequence: string): boolean {
  return NAMED_OTHER.has(sequence) || NAMED_CSI.test(sequence);
}

const isParam = (char: string) => char >= '0' && char <= '?';
const isIntermediate = (char: string) => char >= ' ' && char <= '/';
const isFinal = (char: string) => char >= '@' && char <= '~';
/** ESC followed by one of these opens a string that runs to BEL or ST (`ESC\`). */
const STRING_OPENERS = new Set([']', 'P', '_', '^', 'X']);

type Scan = { end: number } | { cut: true } | { malformed: number };

/** A CSI (`ESC[`, or `ESC ESC[` for Alt) or SS3 (`ESC O`) starting at `start`: its end, cut by the read, or where it broke. */
function scanSequence(text: string, start: number, prefix: number): Scan {
  let index = start + prefix;
  const kind = text[index];
  if (kind === undefined) return { cut: true };
  if (kind === 'O') {
    const final = text[index + 1];
    if (final === undefined) return { cut: true };
    return isFinal(final) ? { end: index + 2 } : { malformed: index + 1 };
  }
  index += 1;
  // The legacy `ESC[[A` (Linux console F-keys) and `ESC[[5~`.
  if (text[index] === '[') index += 1;
  for (; index < text.length; index++) {
    const char = text[index]!;
    if (isFinal(char)) return { end: index + 1 };
    if (!isParam(char) && !isIntermediate(char)) return { malformed: index };
  }
  return { cut: true };
}

export class KeyFilter {
  /** A sequence begun and not ended by the last event (or a string's ESC that may begin its ST). */
  private held = '';
  /** Inside an OSC/DCS/APC/PM/SOS string: everything up to its BEL or ST is dropped. */
  private inString = false;
  /** The last event was `ESC ESC` whole: Escape twice, or Escape and the ESC of a string whose text comes next. */
  private escapes = false;

  /** Whether something begun waits for its end (a string, a cut sequence): `end()` gives up on it. */
  get waiting(): boolean {
    return this.inString || this.held !== '';
  }

  /** No input came for a while: the string or sequence begun will not end; what follows is keys again. */
  end(): void {
    this.inString = false;
    this.held = '';
  }

  /** Whether an `ESC ESC` waits for the next event of the same read: call `flush()` once the read is done. */
  get holdsEscapes(): boolean {
    return this.escapes;
  }

  /** The read ended after `ESC ESC`: it was Escape typed twice (ink's flush of a pending ESC ESC is that too). */
  flush(): string[] {
    if (!this.escapes) return [];
    this.escapes = false;
    return [ESC + ESC];
  }

  /** The events for ink of one of ink's input events: text runs and named keys, each its own event. */
  read(event: string): string[] {
    const out = this.escapes ? this.afterEscapes(event) : [];
    if (event === ESC + ESC && this.held === '' && !this.inString) {
      this.escapes = true;
      return out;
    }
    const text = this.held + event;
    this.held = '';
    let index = 0;
    while (index < text.length) {
      if (this.inString) {
        index = this.skipString(text, index);
        continue;
      }
      const escape = text.indexOf(ESC, index);
      if (escape < 0) {
        out.push(text.slice(index));
        break;
      }
      if (escape > index) out.push(text.slice(index, escape));
      index = this.sequence(text, escape, out);
    }
    return out;
  }

  /**
   * What the held `ESC ESC` was, by the event after it in the same read: the text of a string its second ESC began
   * (`]11;rgb:…`: Escape, and the string is dropped), or anything else (Escape twice, then the event as it is).
   */
  private afterEscapes(event: string): string[] {
    this.escapes = false;
    if (!STRING_OPENERS.has(event[0] ?? '')) return [ESC + ESC];
    this.inString = true;
    return [ESC];
  }

  /** Past the string's end in `text` (BEL or ST), or to the end of `text` (an ESC there held: ST may be cut). */
  private skipString(text: string, index: number): number {
    for (let at = index; at < text.length; at++) {
      if (text[at] === '\u0007') {
        this.inString = false;
        return at + 1;
      }
      if (text[at] !== ESC) continue;
      if (at === text.length - 1) {
        this.held = ESC;
        return text.length;
      }
      // ST ends it; any other ESC inside a string ends it too (a terminal would), and is read as what it begins.
      this.inString = false;
      return text[at + 1] === '\\' ? at + 2 : at;
    }
    return text.length;
  }

  /** The sequence at `start` (an ESC): a named key is pushed, anything else dropped; returns where reading goes on. */
  private sequence(text: string, start: number, out: string[]): number {
    const next = text[start + 1];
    // A lone ESC ends an event only when ink gave up waiting for more: the Escape key.
    if (next === undefined) {
      out.push(ESC);
      return start + 1;
    }
    const alt = next === ESC && (text[start + 2] === '[' || text[start + 2] === 'O');
    if (next === '[' || next === 'O' || alt) {
      const scan = scanSequence(text, start, alt ? 2 : 1);
      if ('cut' in scan) {
        if (text.length - start <= HELD_MAX) this.held = text.slice(start);
        return text.length;
      }
      if ('malformed' in scan) return scan.malformed;
      const sequence = text.slice(start, scan.end);
      // Alt with a sequence no key names is Escape typed as a terminal's answer came (`ESC ESC[12;40R`): Escape.
      if (isNamedKey(sequence)) out.push(sequence);
      else if (alt) out.push(ESC);
      return scan.end;
    }
    if (STRING_OPENERS.has(next)) {
      this.inString = true;
      return start + 2;
    }
    // ESC ESC then more: Escape, and the second ESC begins what it begins (`ESC ESC ]…` is Escape and a string).
    if (next === ESC && start + 2 < text.length) {
      out.push(ESC);
      return start + 1;
    }
    // ESC and one character: Escape twice, Alt with Enter/Backspace/space are keys; Alt with anything else is no key
    // of land's (`ESC q` is not `q`).
    const length = next === ESC ? 2 : 1 + (next.codePointAt(0)! > 0xffff ? 2 : 1);
    const sequence = text.slice(start, start + length);
    if (isNamedKey(sequence)) out.push(sequence);
    return start + length;
  }
}
