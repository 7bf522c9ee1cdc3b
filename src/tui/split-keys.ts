/**
 * One input event from ink can hold several keys: ink 6 cuts escape sequences (arrows, Home, …) out of a chunk, but
 * hands a run of plain bytes over whole, so `tmux send-keys 'hi' Enter`, a paste, fast typing over ssh or a held key
 * arrive as `hi\r` or `jj`. This cuts such a run into one key per character, each with the Key ink would have given
 * it alone (Enter, Tab, Backspace, Ctrl-letter), so that the handler sees every key, in order.
 * A paste in a terminal that does bracketed paste never gets here (paste.ts); elsewhere it is plain bytes, and its
 * line breaks are Enter, as typed: `\r`, `\n` and `\r\n` (a paste from a Windows file) are each one Enter (a `\r\n`
 * cut between two reads too: paste.ts). Typed alone, `\n` (Ctrl-J) is one too, although ink names it `enter`, not
 * `return`, and sets no flag of its Key for it.
 */
import type { Key } from 'ink';

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/** What ink's useInput makes of one character typed alone (its parse-keypress, for the bytes a run can hold). */
function keyOf(char: string): [string, Key] {
  if (char === '\r' || char === '\n') return ['', { ...NO_KEY, return: true }];
  if (char === '\t') return ['', { ...NO_KEY, tab: true }];
  // ink reads DEL (what Backspace sends) as `delete`, and BS (Ctrl-H) as `backspace`.
  if (char === '\u007F') return ['', { ...NO_KEY, delete: true }];
  if (char === '\b') return ['', { ...NO_KEY, backspace: true }];
  const code = char.codePointAt(0)!;
  if (code >= 1 && code <= 26) return [String.fromCodePoint(code + 96), { ...NO_KEY, ctrl: true }];
  return [char, { ...NO_KEY, shift: /^[A-Z]$/.test(char) }];
}

/** Whether ink gave the event a meaning of its own (an arrow, Enter, a Ctrl-letter…): then it is one key already. */
const NAMED: ReadonlyArray<keyof Key> = ['upArrow', 'downArrow', 'leftArrow', 'rightArrow', 'pageDown', 'pageUp', 'home', 'end', 'return', 'escape', 'ctrl', 'tab', 'backspace', 'delete', 'meta', 'super', 'hyper'];

function isNamedKey(key: Key): boolean {
  return NAMED.some((name) => key[name] === true);
}

export function splitKeys(input: string, key: Key): Array<[string, Key]> {
  if (isNamedKey(key)) return [[input, key]];
  // A lone `\n` comes from ink as the text "\n": made the Enter it is in a run.
  if (input === '\n') return [keyOf(input)];
  if (Array.from(input).length <= 1) return [[input, key]];
  return keysOfText(input);
}

/** Plain text (no escape sequence) as the keys it is, one per character. */
function keysOfText(text: string): Array<[string, Key]> {
  const chars = Array.from(text);
  // `\r\n` is one line break, so one Enter (two would submit a prompt and then open or close a pane).
  return chars.filter((char, index) => !(char === '\n' && chars[index - 1] === '\r')).map(keyOf);
}
