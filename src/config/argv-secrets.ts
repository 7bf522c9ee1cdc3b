/**
 * Secrets a command holds in its arguments that only the words around them reveal: the value after a bare
 * secret-named option (`--token abc`), curl's `-u user:password`, mysql's `-ppassword`. One set of rules for a
 * command given as arguments (redactArgs, `land export`) and for a shell line (`shell: true`, `sh -c '…'`: its words,
 * command by command), so both forms of the same command are masked alike.
 */
export type Span = [start: number, end: number];

/** Words that make a query or option name secret when the name holds one whole (`access_token`, `apiKey`, `sig`). */
const SECRET_WORDS = new Set(['token', 'password', 'passwd', 'pwd', 'secret', 'apikey', 'sig', 'signature', 'credential', 'credentials']);

/** `token`, `client_secret`, `apiKey`, `api-key`: not `keyPrefix`, `authSource`, `design` or `ssl-keyfile`. */
export function secretOptionName(name: string): boolean {
  const words = name.split(/[_.-]+|(?<=[a-z])(?=[A-Z])/).map((word) => word.toLowerCase());
  return words.some((word, i) => SECRET_WORDS.has(word) || (word === 'api' && words[i + 1] === 'key'));
}

/** A bare option that takes the next argument as its value, named as a secret (`--token`, `-password`, `--api-key`). */
const SECRET_OPTION = /^--?([\w.-]{1,64})$/;

/**
 * `-u`/`-U` of curl as its short options are written: alone, or last of several that take no value (`-su`, `-fsSLu`:
 * curl's flags; an option that takes a value, `-o` say, would take the `u` as its value instead).
 */
export const CURL_SHORT_USER = '-[0-6aBfgGIijJkLlMNnOpqRSsVvZ#]{0,16}[uU]';
/** The same as one argument after its option, or with it (`-uuser:pw`, `-suuser:pw`, `--user=user:pw`): the password is group 2. */
const CURL_USER_ARG = new RegExp(`^((?:${CURL_SHORT_USER}|--user=|--proxy-user=)?[^:]*:)(.+)$`, 's');
const CURL_USER_ATTACHED = new RegExp(`^(?:${CURL_SHORT_USER}|--user=|--proxy-user=)`);
const CURL_USER_OPTION = new RegExp(`^(?:${CURL_SHORT_USER}|--user|--proxy-user)$`);
/** The MySQL and MariaDB clients, where `-p<password>` (attached) is the password; elsewhere `-p8080` is a port. */
const MYSQL_CLIENT = /(?:^|\/)(?:mysql\w*|mariadb(?:-\w+)?)$/;

/** Whether the argument before this one is a bare secret-named option (`--password`), so this one is its value. */
function followsSecretOption(args: readonly string[], index: number): boolean {
  const option = index > 0 ? SECRET_OPTION.exec(args[index - 1]!) : null;
  return option !== null && secretOptionName(option[1]!);
}

/**
 * The password of curl's `-u user:password` as this argument of a curl command (after `-u`, or `-uuser:pw`,
 * `--user=user:pw`), as a span of the argument. Only curl's: `-u 1000:1000` is docker's user and group.
 */
function curlPassword(args: readonly string[], index: number): Span | undefined {
  const attached = !CURL_USER_OPTION.test(args[index - 1] ?? '');
  const match = CURL_USER_ARG.exec(args[index]!);
  if (!match || (attached && !CURL_USER_ATTACHED.test(match[1]!))) return undefined;
  return [match[1]!.length, args[index]!.length];
}

function mysqlPassword(args: readonly string[], index: number): Span | undefined {
  return /^-p./s.test(args[index]!) ? [2, args[index]!.length] : undefined;
}

/**
 * Where each argument holds a secret that its neighbours reveal, as a span of it (the program, index 0, never):
 * one pass, remembering whether curl or a MySQL client came before (a long line costs linear time).
 */
export function argSecrets(args: readonly string[]): Array<Span | undefined> {
  let curl = false;
  let mysql = false;
  return args.map((arg, index) => {
    const span = index === 0 ? undefined : followsSecretOption(args, index) ? ([0, arg.length] as Span) : ((curl ? curlPassword(args, index) : undefined) ?? (mysql ? mysqlPassword(args, index) : undefined));
    curl ||= /(?:^|\/)curl$/.test(arg);
    mysql ||= MYSQL_CLIENT.test(arg);
    return span;
  });
}

/**
 * A shell line's words (quotes kept) and the separators between its commands. Each alternative of a word begins with
 * a character of its own (plain, `'`, `"`, `\\`), so a long line is read in linear time.
 */
const WORD_OR_SEPARATOR = /[;&|\n()]+|(?:[^\s'";&|()\\]|'[^']*'|"(?:[^"\\]|\\.)*"|\\.)+/g;

function unquoted(word: string): string {
  return word.replace(/'([^']*)'|"((?:[^"\\]|\\.)*)"|\\(.)/gs, (_match, single?: string, double?: string, escaped?: string) => single ?? double?.replace(/\\(.)/gs, '$1') ?? escaped!);
}

/**
 * The line with each command's arguments masked by argSecret, as if given as arguments: a masked word is shown
 * unquoted (`'bob:pw'` → `bob:***`). A text without a blank is one word: returned as it is.
 */
export function maskShellWords(text: string, mask: string): string {
  if (!/\s/.test(text)) return text;
  const edits: Array<[start: number, end: number, shown: string]> = [];
  let words: Array<{ start: number; end: number; value: string }> = [];
  const maskCommand = () => {
    const spans = argSecrets(words.map((word) => word.value));
    words.forEach((word, index) => {
      const span = spans[index];
      if (span && word.value.slice(span[0], span[1]) !== mask) edits.push([word.start, word.end, `${word.value.slice(0, span[0])}${mask}${word.value.slice(span[1])}`]);
    });
    words = [];
  };
  for (const match of text.matchAll(WORD_OR_SEPARATOR)) {
    if (/^[;&|\n()]/.test(match[0])) maskCommand();
    else words.push({ start: match.index, end: match.index + match[0].length, value: unquoted(match[0]) });
  }
  maskCommand();
  let result = text;
  for (const [start, end, shown] of edits.reverse()) result = `${result.slice(0, start)}${shown}${result.slice(end)}`;
  return result;
}
