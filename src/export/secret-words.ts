/**
 * Secrets in the commands an export writes (a tier's command, its probes', its stop command): each argument that
 * holds one (redact.ts `secretArgs`, the rules that move environment values) goes to the tier's 0600 secrets as
 * `LAND_<PURPOSE>_SECRET_<n>`, and the command refers to it, so the unit, the Compose file and the Deployment carry
 * only the variable's name. Each engine renders a reference its own way: systemd expands `${KEY}` as one word,
 * Kubernetes `$(KEY)` in a container's command, and everything else runs through `sh -c` with `"$KEY"`. A shell
 * script (`sh -c '…'`) keeps its words: only its secrets move, as references its shell expands (script-secrets.ts).
 */
import { redactArgs, secretArgs } from '../config/redact.js';
import { shellWord } from '../text/shell.js';
import { scriptWithSecretRefs } from './script-secrets.js';

/** An argument moved whole: the name of the secret variable that holds it, and the argument masked, to show. */
export interface SecretRef {
  secret: string;
  shown: string;
}

/** A shell script whose secrets are `${KEY}` for that shell to expand: written as the text it is, by every engine. */
export interface ScriptWithRefs {
  script: string;
  shown: string;
}

/** An argument as written, one moved whole to a secret, or a script whose secrets were moved. */
export type Word = string | SecretRef | ScriptWithRefs;

/** `sh -c SCRIPT` (bash, dash…, `-c` among other flags): the script is read by that shell. */
const SHELL = /(?:^|\/)(?:sh|bash|dash|ash|ksh|zsh)$/;
const isShellScript = (argv: readonly string[], index: number) => index === 2 && SHELL.test(argv[0]!) && /^-[a-z]*c[a-z]*$/i.test(argv[1]!);

/**
 * The argv with each secret argument replaced by a reference, its value added to `secrets` under
 * `LAND_<purpose>_SECRET_<n>` (n from 1); a shell script's secrets each apart where they can be.
 */
export function withSecretRefs(argv: readonly string[], purpose: string, secrets: Record<string, string>): Word[] {
  const secret = secretArgs(argv);
  const shown = redactArgs(argv);
  let count = 0;
  const nextKey = () => `LAND_${purpose}_SECRET_${(count += 1)}`;
  return argv.map((word, index) => {
    if (!secret[index]) return word;
    const script = isShellScript(argv, index) ? scriptWithSecretRefs(word, nextKey, secrets) : undefined;
    if (script !== undefined) return { script, shown: shown[index]! };
    const key = nextKey();
    secrets[key] = word;
    return { secret: key, shown: shown[index]! };
  });
}

/** Whether the words read a secret from the environment (a reference, or a script with one). */
export function hasSecret(words: readonly Word[]): boolean {
  return words.some((word) => typeof word !== 'string');
}

/** An argument moved whole, which each engine refers to its own way. */
export function isSecretRef(word: Word): word is SecretRef {
  return typeof word !== 'string' && 'secret' in word;
}

/** The text of a word that is not a reference: as written, or the script with its references. */
export function wordText(word: string | ScriptWithRefs): string {
  return typeof word === 'string' ? word : word.script;
}

/** The words as a POSIX shell line (text/shell.ts), a secret as `"$KEY"`. */
export function shellWords(words: readonly Word[]): string {
  return words.map((word) => (isSecretRef(word) ? `"$${word.secret}"` : shellWord(wordText(word)))).join(' ');
}

/** The command as an argv to exec: as is without references, else `/bin/sh -c 'exec … "$KEY"'` (same process, same argv). */
export function execArgv(words: readonly Word[]): string[] {
  return words.some(isSecretRef) ? ['/bin/sh', '-c', `exec ${shellWords(words)}`] : words.map((word) => wordText(word as string | ScriptWithRefs));
}

/** The words for a person to read, each secret masked (`http://127.0.0.1/drain?token=***`). */
export function describeWords(words: readonly Word[]): string {
  return words.map((word) => (typeof word === 'string' ? word : word.shown)).join(' ');
}
