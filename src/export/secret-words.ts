/**
 * Secrets in the commands an export writes (a tier's command, its probes', its stop command): each secret an
 * argument holds (redact.ts `secretArgSpans`, the rules that move environment values) goes to the tier's 0600
 * secrets as `LAND_<PURPOSE>_SECRET_<n>`, and the command refers to it, so the unit, the Compose file and the
 * Deployment carry only the variable's name. Only the secret moves, not the argument around it
 * (`--url=http://u:${KEY}@h/x`), as in a shell script. Each engine renders a reference its own way: systemd
 * expands `${KEY}` inside a word to the exact value, Kubernetes `$(KEY)` in a container's command, and everything
 * else runs through `sh -c` with `"${KEY}"`. A shell script (`sh -c '…'`) keeps its words: only its secrets move,
 * as references its shell expands (script-secrets.ts).
 */
import { redactArgs, secretArgSpans } from '../config/redact.js';
import { shellWord } from '../text/shell.js';
import { scriptWithSecretRefs } from './script-secrets.js';

/** A part of an argument: text as written, or the name of the secret variable that holds that part. */
export type ArgPart = string | { secret: string };

/** An argument with its secrets moved: its parts in order (a whole secret is one part), and the argument masked. */
export interface SecretRef {
  parts: ArgPart[];
  shown: string;
}

/** A shell script whose secrets are `${KEY}` for that shell to expand: written as the text it is, by every engine. */
export interface ScriptWithRefs {
  script: string;
  shown: string;
}

/** An argument as written, one whose secrets were moved, or a script whose secrets were moved. */
export type Word = string | SecretRef | ScriptWithRefs;

/** `sh -c SCRIPT` (bash, dash…, `-c` among other flags): the script is read by that shell. */
const SHELL = /(?:^|\/)(?:sh|bash|dash|ash|ksh|zsh)$/;
const isShellScript = (argv: readonly string[], index: number) => index === 2 && SHELL.test(argv[0]!) && /^-[a-z]*c[a-z]*$/i.test(argv[1]!);

/** The argument as text and references, each secret span (sorted, apart) to a new key of `secrets`. */
function argParts(arg: string, spans: readonly (readonly [number, number])[], nextKey: () => string, secrets: Record<string, string>): ArgPart[] {
  const parts: ArgPart[] = [];
  let at = 0;
  for (const [start, end] of spans) {
    if (start === end) continue;
    if (start > at) parts.push(arg.slice(at, start));
    const key = nextKey();
    secrets[key] = arg.slice(start, end);
    parts.push({ secret: key });
    at = end;
  }
  if (at < arg.length) parts.push(arg.slice(at));
  return parts;
}

/**
 * The argv with each secret replaced by a reference, its value added to `secrets` under
 * `LAND_<purpose>_SECRET_<n>` (n from 1): a shell script's as references its own shell expands where this reader
 * follows the script, else (and in any other argument) as parts the engine joins back into the argument.
 */
export function withSecretRefs(argv: readonly string[], purpose: string, secrets: Record<string, string>): Word[] {
  const spans = secretArgSpans(argv);
  const shown = redactArgs(argv);
  let count = 0;
  const nextKey = () => `LAND_${purpose}_SECRET_${(count += 1)}`;
  return argv.map((word, index) => {
    if (spans[index]!.length === 0) return word;
    const script = isShellScript(argv, index) ? scriptWithSecretRefs(word, nextKey, secrets) : undefined;
    if (script !== undefined) return { script, shown: shown[index]! };
    // The engine puts the text back together before the program (or a script's shell) reads it.
    return { parts: argParts(word, spans[index]!, nextKey, secrets), shown: shown[index]! };
  });
}

/** Whether the words read a secret from the environment (a reference, or a script with one). */
export function hasSecret(words: readonly Word[]): boolean {
  return words.some((word) => typeof word !== 'string');
}

/** An argument whose secrets were moved, which each engine refers to its own way. */
export function isSecretRef(word: Word): word is SecretRef {
  return typeof word !== 'string' && 'parts' in word;
}

/** The text of a word that is not a reference: as written, or the script with its references. */
export function wordText(word: string | ScriptWithRefs): string {
  return typeof word === 'string' ? word : word.script;
}

/** One argument as shell text: its text parts quoted (text/shell.ts), each secret as `"${KEY}"`, all one word. */
function shellArg(word: Word): string {
  if (!isSecretRef(word)) return shellWord(wordText(word));
  return word.parts.map((part) => (typeof part === 'string' ? shellWord(part) : `"\${${part.secret}}"`)).join('');
}

/** The words as a POSIX shell line, a secret as `"${KEY}"`. */
export function shellWords(words: readonly Word[]): string {
  return words.map(shellArg).join(' ');
}

/** The command as an argv to exec: as is without references, else `/bin/sh -c 'exec … "${KEY}"'` (same process, same argv). */
export function execArgv(words: readonly Word[]): string[] {
  return words.some(isSecretRef) ? ['/bin/sh', '-c', `exec ${shellWords(words)}`] : words.map((word) => wordText(word as string | ScriptWithRefs));
}

/** The words for a person to read, each secret masked (`http://127.0.0.1/drain?token=***`). */
export function describeWords(words: readonly Word[]): string {
  return words.map((word) => (typeof word === 'string' ? word : word.shown)).join(' ');
}
