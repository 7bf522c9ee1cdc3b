/**
 * A config's load error as land says it, with what node built around the config's own text masked where it may be
 * a secret. V8 quotes the source (`sk_live_x is not defined` for a value written without quotes, `Unexpected
 * identifier 'pass'`), node quotes values (`open 'ghp_…'`), and neither is a registered secret (redact.ts knows the
 * values of secret-named variables only once a plan is read). Node's words stay (they say what was expected);
 * masked are:
 *   - a word the config's source gives to a secret-named key on the same line (`STRIPE_KEY: sk_live_x`,
 *     `password = hunter2 pass`): the mask then names the key and the line, so the message still says where and what;
 *   - a token-shaped word anywhere (redact.ts's rule): a known secret prefix (`sk_live_`, `ghp_`, `xoxb-`, `AKIA…`) or 20 or more letters
 *     and digits mixed.
 */
import { readFileSync } from 'node:fs';
import { MASK, tokenShaped } from './redact.js';
import { looksSecret } from './secrets.js';

/** A word of a message: what V8 and node quote (identifiers, strings), with the characters tokens are made of. */
const WORD = /[\w$.+/=-]+/g;

/** What a secret-named key's line holds that is no value of its own: literals, and where the value is read from. */
const PLAIN = /^(?:true|false|null|undefined|process\.env(?:\..*)?)$/;

/**
 * `key: value` or `key = value` on a line: the value ends at `,`, `;` or a brace, so that in
 * `env: { DB_PASSWORD: x } },` the `{` ends `env:`'s value and `DB_PASSWORD` is read as a key of its own.
 */
const KEY_VALUE = /([\w$]+)['"]?\s*[:=]([^,;{}\n]*)/g;

/** `key: value…` or `key = value…` on one line of source, where the key looks secret: each word after it, its key and line. */
function secretValuesOf(source: string, withLine: boolean): Map<string, string> {
  const found = new Map<string, string>();
  source.split('\n').forEach((line, index) => {
    for (const match of line.matchAll(KEY_VALUE)) {
      if (!looksSecret(match[1]!)) continue;
      for (const word of match[2]!.match(WORD) ?? []) {
        if (word.length >= 3 && !PLAIN.test(word) && !found.has(word)) found.set(word, withLine ? `${match[1]} on line ${index + 1}` : match[1]!);
      }
    }
  });
  return found;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** The files an error's stack names (the config, a file it imports, the compiled module): their source is read. */
export function filesOfStack(error: unknown): string[] {
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  return [...new Set([...stack.matchAll(/(?:file:\/\/)?(\/[^\s:()?]+):\d+(?::\d+)?/g)].map((match) => match[1]!))].filter((file) => !file.includes('/node_modules/'));
}

/** `message` (node's, for a config that failed to load from `files`, the config first) with what may be a secret masked. */
export function maskLoadMessage(message: string, files: readonly string[]): string {
  const valued = new Map<string, string>();
  // The config's own lines first, by number; another file's (an import, the compiled module) by key only.
  files.forEach((file, index) => {
    for (const [word, where] of secretValuesOf(readText(file), index === 0)) if (!valued.has(word)) valued.set(word, where);
  });
  const keys = new Set<string>();
  const masked = message.replace(WORD, (word) => {
    const where = valued.get(word);
    if (where) keys.add(where);
    return where || tokenShaped(word) ? MASK : word;
  });
  return keys.size === 0 ? masked : `${masked} (the value of ${[...keys].join(', ')}: expected a quoted string there)`;
}
