/**
 * Secrets out of every text land shows: error lines, status reasons, events sent to PostHog. Four kinds:
 *   - credentials inside URLs: `https://user:password@host` keeps the user, `https://token@host` keeps nothing;
 *   - `name=value` in a query string or a `--name=value` option, where the name says secret (`api_key=`,
 *     `token=`, `password=`), the word after such an option given apart in one text (`sh -c 'app --token abc'`),
 *     `Bearer <token>` and `Basic <base64 of user:password>`;
 *   - the values of variables whose names say secret (`Authorize`, `*_TOKEN`, …), registered when the plan is
 *     read, wherever they turn up, including node's own messages around a value (`Received 'phc_…\x00…'`);
 *   - the text JSON.parse's message quotes (`"{"k": sk_live_ab"... is not valid JSON`).
 */
import { argSecrets, CURL_SHORT_USER, maskShellWords, secretOptionName, type Span } from './argv-secrets.js';
import { looksSecret } from './secrets.js';

/** What stands for a secret in a text land shows. */
export const MASK = '***';
/** Shorter values are not searched for: they would mask ordinary words. */
const MIN_SECRET_LENGTH = 6;

const secretValues = new Set<string>();
/** secretValues longest first, as redactText tries them: sorted when a value is added, not at every text masked. */
let longestFirst: string[] = [];

/** The forms a value takes in messages: as is, JSON-escaped, inspect-escaped, and its pieces between control chars. */
function formsOf(value: string): string[] {
  const forms = [value, JSON.stringify(value).slice(1, -1), value.replace(/[\0-\x1f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)];
  forms.push(...value.split(/[\0-\x1f]+/));
  return forms.filter((form) => form.length >= MIN_SECRET_LENGTH);
}

/** Remembers the values of the variables whose names say they are secret. */
export function registerSecretsOf(env: Readonly<Record<string, string | undefined>>): void {
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || !looksSecret(key)) continue;
    for (const form of formsOf(value.trim())) secretValues.add(form);
  }
  if (secretValues.size !== longestFirst.length) longestFirst = [...secretValues].sort((a, b) => b.length - a.length);
}

const SECRET_NAME = /(?:key|token|secret|passw|pwd|auth|credential|session|signature|sig)[\w.-]{0,64}$/i;
/*
 * Every repetition below is bounded, so that no message, however long, costs more than linear time to mask
 * (an unbounded `[a-z][a-z0-9+.-]*:` retried at every boundary of `a.a.a.…` was quadratic).
 */
/** `scheme://userinfo@`: userinfo without `/`, `@` or spaces. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]{0,31}:\/\/)([^\s/@?#]{1,512})@/gi;
/**
 * A URL with a password that a path's normalising made `scheme:/user:password@` (a `cwd` of `https://u:pw@x`,
 * resolved as a path, is quoted as `/…/https:/u:pw@x`): one slash, so URL_USERINFO misses it. Only with a password.
 */
const COLLAPSED_USERINFO = /\b([a-z][a-z0-9+.-]{0,31}:\/)([^\s/@?#:]{1,512}:[^\s/@?#]{1,512})@/gi;
/** `name=value` in a query string (`?`, `&`, `;`) or a long option (`--name=value`): the name ends group 1. */
const NAMED_VALUE = /((?:[?&;]|(?:^|\s)--)[\w.-]{1,64}=)([^\s&;,"')#]+)/g;
/**
 * `name=value`, `name: value` or JSON's `"name":"value"` in free text (a log record's `bare token=abc`), after a word's
 * start: the name is group 3 (quoted alike or not at all), `=` or `:` group 4, the value one of groups 5 to 7 (a
 * quoted one whole). Only a name that holds a secret word whole (secretOptionName) counts: `tokenizer=fast` stays.
 */
const TEXT_PAIR = /((?:^|(?<=[\s,(\[{|]))(["']?)([A-Za-z_][\w.-]{0,63})\2\s{0,4}([=:])\s{0,4})(?:"([^"\n]{1,512})"|'([^'\n]{1,512})'|([^\s&;,"'()[\]{}#|]{1,512}))/g;
/** `--name value` inside one text (a shell string `app --token abc`): the option and its spaces end group 1. */
const SPACED_OPTION = /((?:^|\s)--?([\w.-]{1,64})\s{1,16})(\S+)/g;
/**
 * V8's JSON.parse message quotes the text around where it broke, up to ten characters either side or the whole of a
 * short one (`Unexpected token 's', "{"k": sk_live_ab"... is not valid JSON`): a config that parses a secret
 * variable's JSON quoted the secret's start, which no registered value matches whole. The quoted text goes.
 */
const JSON_SOURCE = /(Unexpected token '[\s\S]', )(?:\.\.\.)?"[\s\S]{0,64}?"(?:\.\.\.)?(?= is not valid JSON)/g;
const POSTHOG_KEY = /\bphc_[A-Za-z0-9]+/g;
/** A token begins as RFC 6750's do (`Bearer && …` in a shell line, `/bearer && echo`, is none). */
const BEARER = /\b(Bearer\s+)[\w.~+/-][^\s"']*/gi;
/** RFC 7617's `Basic <base64>`: masked only when the word decodes to `user:password` (`Basic setup` is no credential). */
const BASIC = /\b(Basic\s+)([A-Za-z0-9+/]{4,1024}={0,2})(?![\w+/=])/gi;

/** Whether a Basic scheme's word is a credential: base64 of printable text holding the `:` between user and password. */
function basicCredential(word: string): boolean {
  try {
    const decoded = atob(word);
    return decoded.includes(':') && !/[\0-\x1f\x7f]/.test(decoded);
  } catch {
    return false;
  }
}

/** Bearer tokens and Basic credentials masked, the scheme's name kept (`Authorization: Basic ***`). */
function maskAuthSchemes(text: string): string {
  return text.replace(BEARER, `$1${MASK}`).replace(BASIC, (match, head: string, word: string) => (basicCredential(word) ? `${head}${MASK}` : match));
}
/**
 * curl's `-u user:password` (`--user`, and `-U`/`--proxy-user` for the proxy) later in a curl command inside one text:
 * the password ends group 1's match. Only curl's: `-u 1000:1000` is docker's user and group, no secret.
 */
const CURL_USER = new RegExp(`(\\bcurl\\s(?:[^;&|\\n]{0,512}?\\s)?(?:${CURL_SHORT_USER}\\s{0,16}|--(?:proxy-)?user(?:\\s{1,16}|=))['"]?[^\\s:'"]{0,256}:)([^\\s'"]+)`, 'g');

function maskUserinfo(_match: string, scheme: string, userinfo: string): string {
  const colon = userinfo.indexOf(':');
  return colon < 0 ? `${scheme}${MASK}@` : `${scheme}${userinfo.slice(0, colon)}:${MASK}@`;
}

/**
 * Masks each TEXT_PAIR's value. A pair whose name is no secret is passed over by its name alone, not its value, so
 * that `retrying: password: x` still finds `password:`. `name: value` with neither quoted only where `bareColon` says
 * so (a child's record): land's own messages read `tiers.api.env.API_TOKEN: expected a string`.
 */
function maskTextPairs(text: string, bareColon: boolean): string {
  let out = '';
  let copied = 0;
  TEXT_PAIR.lastIndex = 0;
  for (let match = TEXT_PAIR.exec(text); match !== null; match = TEXT_PAIR.exec(text)) {
    const [whole, head, quote, name, separator, doubleQuoted, singleQuoted, bare] = match;
    const value = doubleQuoted ?? singleQuoted ?? bare ?? '';
    const masks = secretOptionName(name!) && !value.startsWith(MASK) && (separator === '=' || quote !== '' || bare === undefined || bareColon);
    if (!masks) {
      TEXT_PAIR.lastIndex = match.index + head!.length;
      continue;
    }
    const around = doubleQuoted !== undefined ? '"' : singleQuoted !== undefined ? "'" : '';
    out += `${text.slice(copied, match.index)}${head}${around}${MASK}${around}`;
    copied = match.index + whole.length;
  }
  return out + text.slice(copied);
}

/** Prefixes of well-known tokens (Stripe, GitHub, GitLab, Slack, AWS, Google, npm, SendGrid, webhook secrets). */
const TOKEN_PREFIX = /^(?:[sprw]k_(?:live|test)_|sk-|ghp_|gho_|ghu_|ghs_|ghr_|github_pat_|glpat-|xox[abposr]-|AKIA|ASIA|AIza|npm_|SG\.|whsec_)/;
/**
 * A generated token, not a name a person wrote: 20 or more of a token's characters (a JWT's dots, base64's `+=`),
 * letters mixed with digits; no `/`, so a path is none.
 */
const GENERATED_TOKEN = /^(?=.*\d)(?=.*[A-Za-z])[\w.~+=-]{20,}$/;

/** Whether a word begins as a well-known token does (`sk_live_`, `ghp_`, `xoxb-`, `AKIA…`). */
export function hasTokenPrefix(word: string): boolean {
  return TOKEN_PREFIX.test(word);
}

/** Whether a word is token-shaped: a well-known token's prefix, or a generated token's look. */
export function tokenShaped(word: string): boolean {
  return hasTokenPrefix(word) || GENERATED_TOKEN.test(word);
}


/** What each match holds after its first group (the name or option before the secret), as spans of the text. */
function spansAfter(value: string, pattern: RegExp, keep: (match: RegExpExecArray) => boolean = () => true): Span[] {
  const spans: Span[] = [];
  for (const match of value.matchAll(pattern)) if (keep(match)) spans.push([match.index + match[1]!.length, match.index + match[0].length]);
  return spans;
}

/** Sorted, overlapping spans joined. */
function joined(spans: Span[]): Span[] {
  const out: Span[] = [];
  for (const [start, end] of spans.sort((a, b) => a[0] - b[0])) {
    const last = out[out.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

/**
 * Where a value holds a secret that `land export` moves to the 0600 files whatever its key: a URL's password (or
 * its user, when a token), a query or option value whose name is a secret word (`?token=x`, `--api-key=x`, and
 * `--token x` inside one text, a shell line), a Bearer token, curl's `-u user:password`, a PostHog key, a well-known
 * token (`sk_live_…`, `ghp_…`, a JWT), a registered secret's value. Narrower than what messages mask (masking a harmless value there costs nothing; moving
 * `postgres://postgres@localhost/app` out of the plain environment hides it from whoever reads the unit).
 */
export function secretSpans(value: string): Span[] {
  const spans: Span[] = [];
  for (const secret of longestFirst) {
    for (let at = value.indexOf(secret); at >= 0; at = value.indexOf(secret, at + 1)) spans.push([at, at + secret.length]);
  }
  for (const match of value.matchAll(URL_USERINFO)) {
    const start = match.index + match[1]!.length;
    const userinfo = match[2]!;
    const colon = userinfo.indexOf(':');
    if (colon >= 0 && colon < userinfo.length - 1) spans.push([start + colon + 1, start + userinfo.length]);
    else if (colon < 0 && tokenShaped(userinfo)) spans.push([start, start + userinfo.length]);
  }
  spans.push(...spansAfter(value, NAMED_VALUE, (m) => m[2] !== MASK && secretOptionName(m[1]!.slice(0, -1).replace(/^\s*(?:--|[?&;])/, ''))));
  spans.push(...spansAfter(value, SPACED_OPTION, (m) => m[3] !== MASK && secretOptionName(m[2]!)));
  spans.push(...spansAfter(value, BEARER), ...spansAfter(value, BASIC, (m) => basicCredential(m[2]!)), ...spansAfter(value, CURL_USER));
  for (const match of value.matchAll(POSTHOG_KEY)) spans.push([match.index, match.index + match[0].length]);
  for (const match of value.matchAll(WORD)) if (knownToken(match[0])) spans.push([match.index, match.index + match[0].length]);
  return joined(spans);
}

/** A word of a value: what a token sits between (spaces, quotes, `=`, `:`, a query's `&`). */
const WORD = /[^\s'"=:,;&?]+/g;
/** A JSON Web Token: three base64url parts, the first a JSON object's (`eyJ`). */
const JWT = /^eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*$/;

/**
 * A word that is a well-known token whatever its key (`STRIPE_SK=sk_live_…`, `GITHUB_PAT=ghp_…`, a JWT): a known
 * prefix with a token's length behind it, not the generic look messages mask (a build id or a trace id would move).
 */
function knownToken(word: string): boolean {
  return (word.length >= 16 && hasTokenPrefix(word)) || JWT.test(word);
}

/** Whether `land export` writes a value to the 0600 files whatever its key (secretSpans finds a secret in it). */
export function holdsSecret(value: string): boolean {
  return secretSpans(value).length > 0;
}

/** The text with every secret it may hold masked. */
export function redactText(text: string): string {
  return redactWith(text, false);
}

/**
 * One pass of every rule; `bareColon`: `name: value` unquoted is a pair too (a child's record, maskTextPairs). The
 * schemes go before the pairs: a pair first would mask `Authorization: Bearer` and leave the token after it.
 */
function redactWith(text: string, bareColon: boolean): string {
  let result = text;
  // Known values first and longest first, so a value is masked whole before any piece of it.
  for (const value of longestFirst) {
    if (result.includes(value)) result = result.split(value).join(MASK);
  }
  // A shell line's words, by the rules a command's arguments are read with (curl's `-u user:pw`, mysql's `-ppw`, …).
  result = maskShellWords(result, MASK);
  result = result.replace(URL_USERINFO, maskUserinfo).replace(COLLAPSED_USERINFO, maskUserinfo).replace(JSON_SOURCE, `$1"${MASK}"`);
  result = result.replace(NAMED_VALUE, (match, head: string, value: string) =>
    SECRET_NAME.test(head.slice(0, -1)) && value !== MASK ? `${head}${MASK}` : match,
  );
  result = maskTextPairs(maskAuthSchemes(result), bareColon);
  result = result.replace(SPACED_OPTION, (match, head: string, name: string, value: string) =>
    secretOptionName(name) && value !== MASK ? `${head}${MASK}` : match,
  );
  result = result.replace(CURL_USER, (match, head: string, password: string) => (password === MASK ? match : `${head}${MASK}`));
  return result.replace(POSTHOG_KEY, `phc_${MASK}`);
}

/**
 * A log record's text (its body, a string value in it) masked as redactText masks any text, and `name: value` too
 * (`password: hunter22`): a child's message, not one of land's, where what follows a secret's name is its value.
 */
export function redactRecordText(text: string): string {
  return redactWith(text, true);
}

/**
 * A command's arguments as a person may see them (the dashboard's tier detail): each masked as redactText masks
 * text, the value after a secret-named option given apart (`--token`, `tok_…`), which no text rule can see, and
 * curl's `-u user:password` given apart (`user:***`).
 */
export function redactArgs(args: readonly string[]): string[] {
  const spans = argSecrets(args);
  return args.map((arg, index) => {
    const span = spans[index];
    return span ? `${arg.slice(0, span[0])}${MASK}${arg.slice(span[1])}` : redactText(arg);
  });
}

/**
 * Where in each of a command's arguments the secrets are that `land export` moves to the 0600 files (the program
 * itself, index 0, never): the value after a bare secret-named option (`--password`, `pw`) whole, curl's password
 * given apart, and what secretSpans finds in each.
 */
export function secretArgSpans(args: readonly string[]): Span[][] {
  const spans = argSecrets(args);
  return args.map((arg, index) => {
    if (index === 0) return [];
    const span = spans[index];
    return span ? [span] : secretSpans(arg);
  });
}

/** Which of a command's arguments hold a secret `land export` moves (secretArgSpans). */
export function secretArgs(args: readonly string[]): boolean[] {
  return secretArgSpans(args).map((spans) => spans.length > 0);
}
