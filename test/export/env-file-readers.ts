/**
 * Readers of env files for engines that cannot run here, following their sources rule for rule:
 * - systemd's EnvironmentFile= (src/basic/env-file.c, parse_env_file_internal: the same state machine);
 * - Compose v2's env_file (compose-go v2 dotenv/parser.go: extractVarValue, extractQuotedValue, expandEscapes),
 *   with variables looked up in `lookup` (Compose's own environment) and `$$` read as `$`.
 * docker-compose 1.x, which does run here, is checked with `docker-compose config` instead.
 */
import { readFileSync } from 'node:fs';

const NEWLINE = '\n\r';
const WHITESPACE = ' \t\n\r';
const SHELL_NEED_ESCAPE = '"\\`$';

/** systemd's reading of an EnvironmentFile: key → value. */
export function readSystemdEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  type State = 'preKey' | 'key' | 'preValue' | 'value' | 'valueEscape' | 'single' | 'double' | 'doubleEscape' | 'comment' | 'commentEscape';
  let state: State = 'preKey';
  let key = '';
  let value = '';
  let keyEnd = -1;
  let valueEnd = -1;
  const push = () => {
    env[keyEnd >= 0 ? key.slice(0, keyEnd) : key] = state === 'value' && valueEnd >= 0 ? value.slice(0, valueEnd) : value;
    key = '';
    value = '';
  };
  for (const c of text) {
    switch (state) {
      case 'preKey':
        if (c === '#' || c === ';') state = 'comment';
        else if (!WHITESPACE.includes(c)) [state, key, keyEnd] = ['key', c, -1];
        break;
      case 'key':
        if (NEWLINE.includes(c)) [state, key] = ['preKey', ''];
        else if (c === '=') [state, valueEnd] = ['preValue', -1];
        else {
          if (!WHITESPACE.includes(c)) keyEnd = -1;
          else if (keyEnd < 0) keyEnd = key.length;
          key += c;
        }
        break;
      case 'preValue':
        if (NEWLINE.includes(c)) {
          push();
          state = 'preKey';
        } else if (c === "'") state = 'single';
        else if (c === '"') state = 'double';
        else if (c === '\\') state = 'valueEscape';
        else if (!WHITESPACE.includes(c)) [state, value] = ['value', value + c];
        break;
      case 'value':
        if (NEWLINE.includes(c)) {
          push();
          state = 'preKey';
        } else if (c === '\\') [state, valueEnd] = ['valueEscape', -1];
        else {
          if (!WHITESPACE.includes(c)) valueEnd = -1;
          else if (valueEnd < 0) valueEnd = value.length;
          value += c;
        }
        break;
      case 'valueEscape':
        state = 'value';
        if (!NEWLINE.includes(c)) value += c;
        break;
      case 'single':
        if (c === "'") state = 'preValue';
        else value += c;
        break;
      case 'double':
        if (c === '"') state = 'preValue';
        else if (c === '\\') state = 'doubleEscape';
        else value += c;
        break;
      case 'doubleEscape':
        state = 'double';
        if (SHELL_NEED_ESCAPE.includes(c)) value += c;
        else if (c !== '\n') value += `\\${c}`;
        break;
      case 'comment':
        if (c === '\\') state = 'commentEscape';
        else if (NEWLINE.includes(c)) state = 'preKey';
        break;
      case 'commentEscape':
        state = NEWLINE.includes(c) ? 'preKey' : 'comment';
        break;
    }
  }
  if (['preValue', 'value', 'valueEscape', 'single', 'double', 'doubleEscape'].includes(state)) push();
  return env;
}

export function readSystemdEnvFileAt(file: string): Record<string, string> {
  return readSystemdEnvFile(readFileSync(file, 'utf8'));
}

/** Compose v2's `$NAME`, `${NAME}` and `$$` (its template package, enough for what land writes). */
function substitute(text: string, lookup: Record<string, string>): string {
  return text.replace(/\$\$|\$\{(\w+)\}|\$(\w+)/g, (match, braced?: string, bare?: string) => (match === '$$' ? '$' : lookup[(braced ?? bare)!] ?? ''));
}

/** Go's escapes that compose-go decodes in double quotes; `\$` becomes `$$` for the template step. */
function expandEscapes(text: string): string {
  const simple: Record<string, string> = { a: '\x07', b: '\b', c: '\\c', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '"': '"', '\\': '\\' };
  return text.replace(/\\(?:[abcfnrtv$"\\]|0\d{0,3})/g, (match) => (match === '\\$' ? '$$' : match.startsWith('\\0') ? String.fromCharCode(parseInt(match.slice(2) || '0', 8)) : simple[match[1]!]!));
}

/** Compose v2's reading of an env_file: key → value. */
export function readComposeV2EnvFile(text: string, lookup: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  let rest = text;
  for (;;) {
    rest = rest.replace(/^\s+/, '');
    if (rest.startsWith('#')) {
      rest = rest.includes('\n') ? rest.slice(rest.indexOf('\n')) : '';
      continue;
    }
    if (rest === '') return env;
    const keyEnd = /[=:]/.exec(rest)!.index;
    const key = rest.slice(0, keyEnd).trim();
    rest = rest.slice(keyEnd + 1).replace(/^[ \t\v\f\r]+/, '');
    const quote = rest[0];
    if (quote !== '"' && quote !== "'") {
      const line = rest.includes('\n') ? rest.slice(0, rest.indexOf('\n')) : rest;
      rest = rest.slice(line.length);
      env[key] = substitute(line.split(' #')[0]!.trimEnd(), lookup);
      continue;
    }
    let chars = '';
    let escaped = false;
    let index = 1;
    for (; index < rest.length; index++) {
      const char = rest[index]!;
      if (escaped) {
        escaped = false;
        chars += char === quote ? char : `\\${char}`;
      } else if (char === '\\') escaped = true;
      else if (char === quote) break;
      else chars += char;
    }
    if (index >= rest.length) throw new Error(`unterminated quoted value for ${key}`);
    rest = rest.slice(index + 1);
    env[key] = quote === '"' ? substitute(expandEscapes(chars), lookup) : chars;
  }
}
