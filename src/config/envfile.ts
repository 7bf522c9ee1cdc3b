import { readFileSync } from 'node:fs';
import { parse } from 'dotenv';
import { InputError } from '../errors.js';
import { displayPath } from './display-path.js';
import { HIDDEN, looksSecret } from './secrets.js';

/*
 * dotenv's parse() never fails: a line it cannot read is silently dropped, so a typo in a profile would quietly
 * change which tiers start. Each line is therefore checked first, and a malformed one is an InputError naming
 * `file:line`. The accepted syntax is the common part of dotenv's:
 *   - blank lines and `# comments`;
 *   - `KEY=value` and `export KEY=value`, with spaces around `=` allowed;
 *   - keys of letters, digits and `_`, not starting with a digit (they become environment variables of child
 *     processes, where other characters are not portable; dotenv would also take `.` and `-`);
 *   - values unquoted, or in "double", 'single' or `backtick` quotes, followed only by spaces or a `# comment`;
 *   - a `#` in an unquoted value only after a space (dotenv would cut `Color=#fff` to an empty value);
 *   - only a double-quoted value may span lines (dotenv's documented multi-line form). dotenv's `KEY: value` form
 *     is not accepted.
 */

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ASSIGNMENT = /^\s*(?:export\s+)?([^=]*?)\s*=(.*)$/;

/** A line (or key) from the file for a message: quoted, shortened; if it may hold a secret, only its first word. */
function quoted(text: string): string {
  if (looksSecret(text)) {
    const word = /^(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*/.exec(text)?.[0];
    // The first word is normally a key name (`Authorize phc_…`); one that may be the secret itself is left out too.
    const safe = word !== undefined && word.length <= 32 && !/phc_/i.test(word);
    return safe ? `${JSON.stringify(`${word} …`)} ${HIDDEN}` : HIDDEN;
  }
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

/** Part of a value for a message: left out entirely when the key or the text may be a secret. */
function quotedValue(key: string, text: string): string {
  return looksSecret(key) || looksSecret(text) ? HIDDEN : quoted(text);
}

/** Index of the quote that closes a value (a quote after a backslash is escaped, as in dotenv), or -1. */
function findClosingQuote(text: string, from: number, quote: string): number {
  for (let index = from; index < text.length; index++) {
    if (text[index] === '\\' && text[index + 1] === quote) index++;
    else if (text[index] === quote) return index;
  }
  return -1;
}

function isBlankOrComment(text: string): boolean {
  const rest = text.trim();
  return rest === '' || rest.startsWith('#');
}

/** Checks every line; returns nothing, throws an InputError at the first malformed one. */
function checkLines(text: string, label: string): void {
  const lines = text.split(/\r\n|\r|\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const at = `${label}:${index + 1}`;
    if (isBlankOrComment(line)) continue;

    const assignment = ASSIGNMENT.exec(line);
    if (assignment === null) throw new InputError(`${at}: expected KEY=value, got ${quoted(line.trim())}`);
    const key = assignment[1]!;
    if (!KEY.test(key)) {
      throw new InputError(`${at}: expected a key of letters, digits and _ (not starting with a digit), got ${quoted(key)}`);
    }

    const value = assignment[2]!.trimStart();
    const quote = value[0];
    if (quote !== '"' && quote !== "'" && quote !== '`') {
      // dotenv cuts an unquoted value at its first `#`, so `Color=#fff` would silently read as empty.
      const raw = assignment[2]!;
      const hash = raw.indexOf('#');
      if (hash >= 0 && (hash === 0 || !/\s/.test(raw[hash - 1]!))) {
        throw new InputError(
          `${at}: expected a quoted value for ${key} (an unquoted # starts a comment), got ${quotedValue(key, raw.trim())}`,
        );
      }
      continue;
    }

    const close = findClosingQuote(value, 1, quote);
    if (close >= 0) {
      const after = value.slice(close + 1);
      if (!isBlankOrComment(after)) {
        throw new InputError(
          `${at}: expected only a # comment after the closing ${quote} of ${key}, got ${quotedValue(key, after.trim())}`,
        );
      }
      continue;
    }
    if (quote !== '"') {
      throw new InputError(`${at}: unterminated ${quote} quote in ${key}: expected a closing ${quote} on the same line`);
    }

    // A double-quoted value may continue on the next lines.
    let end = index + 1;
    let closeAt = -1;
    for (; end < lines.length; end++) {
      closeAt = findClosingQuote(lines[end]!, 0, quote);
      if (closeAt >= 0) break;
    }
    if (closeAt < 0) throw new InputError(`${at}: unterminated " quote in ${key}: expected a closing " before the end of the file`);
    const after = lines[end]!.slice(closeAt + 1);
    if (!isBlankOrComment(after)) {
      throw new InputError(
        `${at}: unterminated " quote in ${key}? the quote closes on line ${end + 1}, followed by ${quotedValue(key, after.trim())}`,
      );
    }
    index = end;
  }
}

/** Parses env file text (dotenv syntax) after checking each line; `label` names the file in errors. */
export function parseEnvText(text: string, label: string): Record<string, string> {
  const content = text.startsWith('\uFEFF') ? text.slice(1) : text;
  checkLines(content, label);
  return { ...parse(content) };
}

/** Reads and parses one env file; an unreadable or malformed file is an InputError naming it. */
export function readEnvFile(file: string): Record<string, string> {
  const label = displayPath(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${label}: cannot read the env file${code === undefined ? '' : ` (${code})`}`);
  }
  return parseEnvText(text, label);
}
