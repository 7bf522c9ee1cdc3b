/**
 * A config's load error as land says it, with what node built around the config's own text masked where it may be
 * a secret. V8 quotes the source (`sk_live_x is not defined` for a value written without quotes, `Unexpected
 * identifier 'pass'`), node quotes values (`open 'ghp_…'`), and neither is a registered secret (redact.ts knows the
 * values of secret-named variables only once a plan is read). Node's words stay (they say what was expected);
 * masked are:
 *   - a word of a value the config's source writes bare (no quotes, no call) after a secret-named key on the same
 *     line (`STRIPE_KEY: sk_live_x`, `password = hunter2 pass`): the mask then names the key and the line, so the
 *     message still says where and what;
 *   - a token-shaped word anywhere (redact.ts's rule: a known secret prefix, `sk_live_`, `ghp_`, `xoxb-`, `AKIA…`,
 *     or 20 or more letters and digits mixed), but for the name in `X is not defined` (see maskLoadMessage);
 *   - the value of any variable of the environment the config ran with (`throw new Error(process.env.X)`: the config's
 *     own message is kept, it says what the author meant, but a value it quotes is no more shown than a secret's), the
 *     mask naming the variable. Not a value too short or too plain to be one (under 6 characters, a number, a path).
 */
import { readFileSync } from 'node:fs';
import { hasTokenPrefix, MASK, tokenShaped } from './redact.js';
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

/**
 * A value written bare: words of a token's characters and nothing else (`sk_live_x`, `hunter2 pass`), what a secret
 * written without quotes looks like. A call, a string, an operator (`readFileSync('/tmp/tok', 'utf8')`) is code:
 * node's words about it (the path of a file not there) are the config's own and stay.
 */
const BARE_VALUE = /^\s*[\w$.+/=-]+(?:\s+[\w$.+/=-]+)*\s*$/;

/** What the source writes bare after a key: after a secret-named key, each word with its key (and line); after any, the words. */
interface BareValues {
  secret: Map<string, string>;
  any: Set<string>;
}

/** `key: value` or `key = value` on each line of `source`, where the value is written bare (BARE_VALUE). */
function bareValuesOf(source: string, withLine: boolean, into: BareValues): void {
  source.split('\n').forEach((line, index) => {
    for (const match of line.matchAll(KEY_VALUE)) {
      if (!BARE_VALUE.test(match[2]!)) continue;
      const secret = looksSecret(match[1]!);
      for (const word of match[2]!.match(WORD) ?? []) {
        into.any.add(word);
        if (secret && word.length >= 3 && !PLAIN.test(word) && !into.secret.has(word)) into.secret.set(word, withLine ? `${match[1]} on line ${index + 1}` : match[1]!);
      }
    }
  });
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

/** Values of `env` worth masking, longest first, each with the first variable that holds it. */
function environmentValues(env: NodeJS.ProcessEnv): Array<[string, string]> {
  const values = new Map<string, string>();
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value.length < 6 || /^[\d.]+$/.test(value) || value.includes('/') || values.has(value)) continue;
    values.set(value, name);
  }
  return [...values].sort(([a], [b]) => b.length - a.length);
}

/** `message` with each whole occurrence of an environment value masked (not inside a longer word or a path). */
function maskEnvironment(message: string, env: NodeJS.ProcessEnv): { masked: string; names: string[] } {
  const names = new Set<string>();
  let masked = message;
  for (const [value, name] of environmentValues(env)) {
    const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const whole = new RegExp(`(?<![\\w$.+/=-])${escaped}(?![\\w$.+/=-])`, 'g');
    masked = masked.replace(whole, () => {
      names.add(name);
      return MASK;
    });
  }
  return { masked, names: [...names] };
}

/**
 * `message` (node's or the config's own, for a config that failed to load from `files`, the config first, run with
 * `env`) with what may be a secret masked. The name in `X is not defined` is an identifier: a long name a person wrote
 * (`helperForService2024`) looks like a generated token, so there the shape counts only with a known prefix, or when
 * the source writes it as a value.
 */
export function maskLoadMessage(message: string, files: readonly string[], env: NodeJS.ProcessEnv = {}): string {
  const fromEnv = maskEnvironment(message, env);
  message = fromEnv.masked;
  const bare: BareValues = { secret: new Map(), any: new Set() };
  // The config's own lines first, by number; another file's (an import, the compiled module) by key only.
  files.forEach((file, index) => bareValuesOf(readText(file), index === 0, bare));
  const keys = new Set<string>();
  const masked = message.replace(WORD, (word, offset: number) => {
    const where = bare.secret.get(word);
    if (where) keys.add(where);
    const identifier = message.startsWith(' is not defined', offset + word.length) && !bare.any.has(word);
    return where || (identifier ? hasTokenPrefix(word) : tokenShaped(word)) ? MASK : word;
  });
  const notes = [
    ...(keys.size > 0 ? [`the value of ${[...keys].join(', ')}: expected a quoted string there`] : []),
    ...(fromEnv.names.length > 0 ? [`*** is the value of $${fromEnv.names.join(', $')}: a value of the environment is not shown`] : []),
  ];
  return notes.length === 0 ? masked : `${masked} (${notes.join('; ')})`;
}
