/**
 * How a value is written in a systemd unit file: an Exec line's words and an `Environment=` line. Shared by
 * `land export systemd` (systemd.ts) and `land startup` (src/service/unit.ts).
 */
import { isSecretRef, wordText, type Word } from './secret-words.js';

/** Text of an Exec line's word with `%` and `$` doubled (specifiers, variables). */
const escapedText = (text: string) => text.replace(/%/g, '%%').replace(/\$/g, '$$$$');

/**
 * One word of an Exec line: bare when safe, else double-quoted; `%` and `$` doubled. A secret is `${KEY}`, which
 * systemd replaces with the variable's exact value (from the EnvironmentFile=), inside a word or as one.
 */
export function execWord(word: Word): string {
  const parts = isSecretRef(word) ? word.parts : [wordText(word)];
  const escaped = parts.map((part) => (typeof part === 'string' ? escapedText(part) : `\${${part.secret}}`)).join('');
  const texts = parts.filter((part): part is string => typeof part === 'string');
  if (escaped !== '' && texts.every((text) => /^[A-Za-z0-9_@+=:,./-]*$/.test(escapedText(text)))) return escaped;
  return `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

export function execLine(argv: readonly Word[]): string {
  return argv.map(execWord).join(' ');
}

/** `Environment="KEY=value"`: quoted, `%` doubled (Environment= expands specifiers, not variables). */
export function environmentLine(key: string, value: string): string {
  const text = `${key}=${value}`.replace(/%/g, '%%').replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  return `Environment="${text}"`;
}

/** A path as WorkingDirectory= and PIDFile= take it: as is (no quotes), specifiers escaped. */
export function unitPath(file: string): string {
  return file.replace(/%/g, '%%');
}
