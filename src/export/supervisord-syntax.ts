/**
 * How values are written in a supervisord 4 program section, as supervisord reads them back
 * (/usr/lib/python3/dist-packages/supervisor/options.py, datatypes.py):
 *
 * - Every value goes through Python's configparser with inline comments on: whitespace followed by `;` or `#` ends
 *   the value there, and a value cannot hold a line break (a continuation line loses its indentation).
 * - Then `%` formatting (`%(here)s`, `%(process_num)d`, `%(ENV_X)s`): a literal `%` is `%%`.
 * - `command=` is split by Python's shlex.split (POSIX rules, no comments): single quotes as in sh, so a word is
 *   written as text/shell.ts writes it, and a `;` or `#` after whitespace inside quotes is reached by closing and
 *   reopening them (`'a '';b'` reads as `a ;b`).
 * - `environment=` is read by shlex in its non-POSIX mode: `KEY="v",KEY2='w'`, a quoted value ends at its quote (no
 *   escapes), and quotes at either end of the value are stripped. A value with both quotes, a line break, a comment
 *   start, or a quote at an end cannot be written there: it goes to the tier's env file instead (sourced by sh).
 */
import { shellWord } from '../text/shell.js';

/** A name shlex reads as one word in `environment=` (its word characters plus supervisord's `/.+-():`). */
const ENVIRONMENT_KEY = /^[A-Za-z0-9_/.+\-():]+$/;

/** A name `sh` can export from a sourced file. */
export const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** configparser would cut the value at whitespace followed by `;` or `#`, or end it at a line break. */
function cutByConfigparser(text: string): boolean {
  return /[\n\r]/.test(text) || /\s[;#]/.test(text);
}

/** One word of `command=`: quoted for shlex, `%` doubled, no comment start after whitespace. */
export function commandWord(word: string): string {
  return shellWord(word).replace(/%/g, '%%').replace(/(\s)(?=[;#])/g, "$1''");
}

/** A word that must not be escaped (`%(here)s/…`), in double quotes for shlex. */
export function expandedWord(word: string): string {
  return `"${word}"`;
}

/** Whether a word of a command can be written on `command=` at all (a line break cannot). */
export function fitsCommand(word: string): boolean {
  return !/[\n\r]/.test(word);
}

/** `KEY="value"` for `environment=`, or undefined when supervisord cannot read it back as it is. */
export function environmentPair(key: string, value: string): string | undefined {
  if (!ENVIRONMENT_KEY.test(key) || cutByConfigparser(value) || /^['"]|['"]$/.test(value)) return undefined;
  const quote = !value.includes('"') ? '"' : !value.includes("'") ? "'" : undefined;
  if (quote === undefined) return undefined;
  return `${key}=${quote}${value.replace(/%/g, '%%')}${quote}`;
}

/** A line of the sourced env file: `KEY='value'` as sh reads it (`set -a` exports it). */
export function shellAssignment(key: string, value: string): string {
  return `${key}=${shellWord(value)}`;
}

/** A path in a value (`directory=`): `%` doubled. */
export function pathValue(file: string): string {
  return file.replace(/%/g, '%%');
}
