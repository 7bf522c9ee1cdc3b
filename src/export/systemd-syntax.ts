/**
 * How a value is written in a systemd unit file: an Exec line's words and an `Environment=` line. Shared by
 * `land export systemd` (systemd.ts) and `land startup` (src/service/unit.ts).
 */
import { isSecretRef, wordText, type Word } from './secret-words.js';

/**
 * One word of an Exec line: bare when safe, else double-quoted; `%` and `$` doubled (specifiers, variables). A
 * secret is `${KEY}`, which systemd replaces with the variable's value (from the EnvironmentFile=) as one word.
 */
export function execWord(word: Word): string {
  if (isSecretRef(word)) return `\${${word.secret}}`;
  const escaped = wordText(word).replace(/%/g, '%%').replace(/\$/g, '$$$$');
  if (/^[A-Za-z0-9_@+=:,./-]+$/.test(escaped)) return escaped;
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
