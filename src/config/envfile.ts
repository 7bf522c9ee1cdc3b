import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'dotenv';
import { InputError } from '../errors.js';
import { displayPath } from './display-path.js';
import { expandEnvValues } from './env-expand.js';
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

/**
 * `[export] KEY = value` split at its first `=`, or undefined without one. No regular expression spans the line: a
 * pattern such as `^\s*(?:export\s+)?([^=]*?)\s*=(.*)$` backtracks quadratically, and took 8 s on a 100 KB line
 * without `=`.
 */
function splitAssignment(line: string): { key: string; raw: string } | undefined {
  const equals = line.indexOf('=');
  if (equals < 0) return undefined;
  let key = line.slice(0, equals).trim();
  if (key.startsWith('export') && /\s/.test(key[6] ?? '')) key = key.slice(7).trimStart();
  return { key, raw: line.slice(equals + 1) };
}

/**
 * How a file's text may be quoted in its messages. `secrets`: an env file land hydrates tiers from (`.env.Land.PostHog`
 * holds the PostHog key): nothing of a bad line is quoted, whatever it looks like (a bare line is as likely a pasted
 * key as a typo), but the first word of `Authorize phc_…` (a key whose `=` is missing). `plain`: a profile, whose
 * lines are gate flags: quoted, unless they look like a secret.
 */
export type EnvFileKind = 'secrets' | 'plain';

/** The first word of a line when more follows it (`Authorize phc_…`): a key name, said so the line is found. */
function leadingKey(text: string): string | undefined {
  const match = /^((?:export\s+)?[A-Za-z_][A-Za-z0-9_]*)(?:\s+|\s*:\s*)[^\s#]/.exec(text);
  const word = match?.[1];
  // A word that may be the secret itself (a PostHog key, a long token) is left out too.
  return word !== undefined && word.length <= 32 && !/phc_/i.test(word) ? word : undefined;
}

/** A line from the file for a message: quoted, shortened; if it may hold a secret, only its leading key name. */
function quotedLine(text: string, kind: EnvFileKind): string {
  if (kind === 'secrets' || looksSecret(text)) {
    const word = leadingKey(text);
    return word === undefined ? HIDDEN : `${JSON.stringify(`${word} …`)} ${HIDDEN}`;
  }
  return quoted(text);
}

function quoted(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

/** Part of a line after its key (a bad key, a value): left out in a secrets file, or when it may be a secret. */
function quotedValue(key: string, text: string, kind: EnvFileKind): string {
  return kind === 'secrets' || looksSecret(key) || looksSecret(text) ? HIDDEN : quoted(text);
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

export interface LineProblem {
  line: number;
  message: string;
}

/** The problem of one assignment line (its continuation lines for a multi-line value), and where it ends. */
function checkLine(lines: readonly string[], index: number, kind: EnvFileKind): { problem?: string; last: number } {
  const line = lines[index]!;
  const assignment = splitAssignment(line);
  if (assignment === undefined) return { problem: `expected KEY=value, got ${quotedLine(line.trim(), kind)}`, last: index };
  const { key, raw } = assignment;
  // A key that is not one may be a pasted secret (base64 with its `=` padding): quoted as a value is.
  if (!KEY.test(key)) return { problem: `expected a key of letters, digits and _ (not starting with a digit), got ${quotedValue(key, key, kind)}`, last: index };

  const value = raw.trimStart();
  const quote = value[0];
  if (quote !== '"' && quote !== "'" && quote !== '`') {
    // dotenv cuts an unquoted value at its first `#`, so `Color=#fff` would silently read as empty.
    const hash = raw.indexOf('#');
    if (hash >= 0 && (hash === 0 || !/\s/.test(raw[hash - 1]!))) {
      return { problem: `expected a quoted value for ${key} (an unquoted # starts a comment), got ${quotedValue(key, raw.trim(), kind)}`, last: index };
    }
    return { last: index };
  }

  const close = findClosingQuote(value, 1, quote);
  if (close >= 0) {
    const after = value.slice(close + 1);
    if (isBlankOrComment(after)) return { last: index };
    return { problem: `expected only a # comment after the closing ${quote} of ${key}, got ${quotedValue(key, after.trim(), kind)}`, last: index };
  }
  if (quote !== '"') return { problem: `unterminated ${quote} quote in ${key}: expected a closing ${quote} on the same line`, last: index };

  // A double-quoted value may continue on the next lines.
  let end = index + 1;
  let closeAt = -1;
  for (; end < lines.length; end++) {
    closeAt = findClosingQuote(lines[end]!, 0, quote);
    if (closeAt >= 0) break;
  }
  if (closeAt < 0) return { problem: `unterminated " quote in ${key}: expected a closing " before the end of the file`, last: lines.length - 1 };
  const after = lines[end]!.slice(closeAt + 1);
  if (isBlankOrComment(after)) return { last: end };
  return { problem: `unterminated " quote in ${key}? the quote closes on line ${end + 1}, followed by ${quotedValue(key, after.trim(), kind)}`, last: end };
}

/** Each assignment of env file text: its first and last line (0-based) and its problem, if malformed. */
function assignments(lines: readonly string[], kind: EnvFileKind): Array<{ first: number; last: number; problem?: string }> {
  const found: Array<{ first: number; last: number; problem?: string }> = [];
  for (let index = 0; index < lines.length; index++) {
    if (isBlankOrComment(lines[index]!)) continue;
    const { problem, last } = checkLine(lines, index, kind);
    found.push({ first: index, last, problem });
    index = last;
  }
  return found;
}

function splitLines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
}

/** Every malformed line of env file text, in order (`land check` lists them all; loading stops at the first). */
export function envTextProblems(text: string, kind: EnvFileKind = 'secrets'): LineProblem[] {
  return assignments(splitLines(text), kind)
    .filter((assignment) => assignment.problem !== undefined)
    .map(({ first, problem }) => ({ line: first + 1, message: problem! }));
}

/**
 * The well-formed lines only, parsed (`land check`: its plans still see every good key of a file it has already
 * listed the bad lines of, so a bad collector address is found beside a malformed line). An unreadable file or one
 * in another encoding reads as empty: check lists that too.
 */
export function readEnvFileLenient(file: string, from?: ExpandFrom): Record<string, string> {
  let text: string;
  try {
    text = readText(file, displayPath(file));
  } catch {
    return {};
  }
  const lines = splitLines(text);
  for (const { first, last, problem } of assignments(lines, 'secrets')) {
    if (problem !== undefined) lines.fill('', first, last + 1);
  }
  return parsedValues(lines.join('\n'), from);
}

/** Checks every line; throws an InputError naming `label:line` at the first malformed one. */
function checkLines(text: string, label: string, kind: EnvFileKind): void {
  const [first] = envTextProblems(text, kind);
  if (first) throw new InputError(`${label}:${first.line}: ${first.message}`);
}

/** What `${VAR}` in an env file expands from (env-expand.ts): the files read before it, land's environment. */
export interface ExpandFrom {
  earlier: Readonly<Record<string, string>>;
  shell: Readonly<Record<string, string | undefined>>;
}

/** Each assignment of a key, in order: the key, its line (1-based) and what follows its `=` on that line. */
function keyAssignments(lines: readonly string[]): Array<{ key: string; line: number; raw: string }> {
  const found: Array<{ key: string; line: number; raw: string }> = [];
  for (let index = 0; index < lines.length; index++) {
    if (isBlankOrComment(lines[index]!)) continue;
    const assignment = splitAssignment(lines[index]!);
    if (assignment !== undefined && KEY.test(assignment.key)) found.push({ ...assignment, line: index + 1 });
    index = checkLine(lines, index, 'secrets').last;
  }
  return found;
}

/** The keys whose last assignment is single-quoted (their values are literal). */
function singleQuotedKeys(lines: readonly string[]): Set<string> {
  const keys = new Set<string>();
  for (const { key, raw } of keyAssignments(lines)) {
    if (raw.trimStart().startsWith("'")) keys.add(key);
    else keys.delete(key);
  }
  return keys;
}

/**
 * The keys env file text sets more than once, with the lines (1-based) that set them: dotenv keeps the last value
 * without a word, so a forgotten earlier line is worth saying (env-repeats.ts).
 */
export function repeatedKeys(text: string): Array<{ key: string; lines: number[] }> {
  const linesOf = new Map<string, number[]>();
  for (const { key, line } of keyAssignments(splitLines(text))) linesOf.set(key, [...(linesOf.get(key) ?? []), line]);
  return [...linesOf].filter(([, lines]) => lines.length > 1).map(([key, lines]) => ({ key, lines }));
}

/** dotenv's values of checked text, `${VAR}` expanded when `from` is given. */
function parsedValues(text: string, from: ExpandFrom | undefined): Record<string, string> {
  const parsed = { ...parse(text) };
  return from === undefined ? parsed : expandEnvValues(parsed, singleQuotedKeys(splitLines(text)), from.earlier, from.shell);
}

/** Parses env file text (dotenv syntax) after checking each line; `label` names the file in errors. */
export function parseEnvText(text: string, label: string, kind: EnvFileKind = 'secrets', from?: ExpandFrom): Record<string, string> {
  const content = text.startsWith('\uFEFF') ? text.slice(1) : text;
  checkLines(content, label, kind);
  return parsedValues(content, from);
}

/** Byte order marks of the encodings an editor may save a file in (UTF-32 first: its LE mark starts like UTF-16's). */
const MARKS: Array<[number[], string]> = [
  [[0xff, 0xfe, 0, 0], 'UTF-32 little-endian'],
  [[0, 0, 0xfe, 0xff], 'UTF-32 big-endian'],
  [[0xff, 0xfe], 'UTF-16 little-endian'],
  [[0xfe, 0xff], 'UTF-16 big-endian'],
];

/**
 * Why these bytes are not a UTF-8 text file, or undefined when they are: a UTF-16 or UTF-32 byte order mark, a
 * first character of one NUL and one byte (UTF-16 saved without a mark: every ASCII character has a NUL), or a byte
 * sequence UTF-8 does not have (Latin-1, say). Read as UTF-8 anyway, such a file gave `expected a key of letters… got "��S\u0000p…"`.
 */
export function encodingProblem(bytes: Uint8Array): LineProblem | undefined {
  const mark = MARKS.find(([prefix]) => prefix.every((byte, index) => bytes[index] === byte));
  if (mark) return { line: 1, message: `expected a UTF-8 text file, got ${mark[1]} (by its byte order mark): save it as UTF-8` };
  // UTF-16 without a mark: its first character, ASCII as a key is, is a NUL and a byte. A NUL further on is a value's,
  // which the check of what a process can receive names by its key.
  if (bytes.length >= 2 && (bytes[0] === 0) !== (bytes[1] === 0)) {
    return { line: 1, message: 'expected a UTF-8 text file, got NUL bytes (UTF-16 without a byte order mark?): save it as UTF-8' };
  }
  const lineOf = (offset: number) => bytes.subarray(0, offset).reduce((count, byte) => count + (byte === 10 ? 1 : 0), 1);
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return undefined;
  } catch {
    let offset = 0;
    // The first byte that does not decode: the longest prefix that does, found by halving.
    for (let low = 0, high = bytes.length; low < high; ) {
      const middle = Math.ceil((low + high) / 2);
      if (decodes(bytes.subarray(0, middle))) low = offset = middle;
      else high = middle - 1;
    }
    return { line: lineOf(offset), message: 'expected a UTF-8 text file, got a byte sequence that is not UTF-8 (Latin-1?): save it as UTF-8' };
  }
}

/** Decodes as UTF-8 but for an incomplete sequence at the end (a cut through a character is not an error here). */
function decodes(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

function readText(file: string, label: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${label}: cannot read the env file${code === undefined ? '' : ` (${code})`}`);
  }
  const problem = encodingProblem(bytes);
  if (problem) throw new InputError(`${label}:${problem.line}: ${problem.message}`);
  const text = bytes.toString('utf8');
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/** Reads and parses one env file; an unreadable or malformed file is an InputError naming it. */
export function readEnvFile(file: string, kind: EnvFileKind = 'secrets', from?: ExpandFrom): Record<string, string> {
  const label = displayPath(file);
  return parseEnvText(readText(file, label), label, kind, from);
}

/** The line (1-based) of each key's last assignment in an env file: read again only to name `file:line`. */
export function envFileKeyLines(file: string): Map<string, number> {
  return new Map(keyAssignments(splitLines(readText(file, displayPath(file)))).map(({ key, line }) => [key, line]));
}

/** The shared env files read, in order: `<file>.Sample` stands in for an absent file; absent both, it is skipped. */
export function envFileSources(files: readonly string[]): string[] {
  const sources: string[] = [];
  for (const file of files) {
    const source = existsSync(file) ? file : existsSync(`${file}.Sample`) ? `${file}.Sample` : undefined;
    if (source !== undefined) sources.push(source);
  }
  return sources;
}
