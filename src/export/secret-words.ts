/**
 * Secrets in the commands an export writes (a tier's command, its probes', its stop command): each argument that
 * holds one (redact.ts `secretArgs`, the rules that move environment values) goes to the tier's 0600 secrets as
 * `LAND_<PURPOSE>_SECRET_<n>`, and the command refers to it, so the unit, the Compose file and the Deployment carry
 * only the variable's name. Each engine renders a reference its own way: systemd expands `${KEY}` as one word,
 * Kubernetes `$(KEY)` in a container's command, and everything else runs through `sh -c` with `"$KEY"`.
 */
import { redactArgs, secretArgs } from '../config/redact.js';
import { shellWord } from '../text/shell.js';

/** An argument as written, or the name of the secret variable that holds it and the argument masked, to show. */
export type Word = string | { secret: string; shown: string };

/**
 * The argv with each secret argument replaced by a reference, its value added to `secrets` under
 * `LAND_<purpose>_SECRET_<n>` (n from 1).
 */
export function withSecretRefs(argv: readonly string[], purpose: string, secrets: Record<string, string>): Word[] {
  const secret = secretArgs(argv);
  const shown = redactArgs(argv);
  let count = 0;
  return argv.map((word, index) => {
    if (!secret[index]) return word;
    count += 1;
    const key = `LAND_${purpose}_SECRET_${count}`;
    secrets[key] = word;
    return { secret: key, shown: shown[index]! };
  });
}

export function hasSecret(words: readonly Word[]): boolean {
  return words.some((word) => typeof word !== 'string');
}

/** The words as a POSIX shell line (text/shell.ts), a secret as `"$KEY"`. */
export function shellWords(words: readonly Word[]): string {
  return words.map((word) => (typeof word === 'string' ? shellWord(word) : `"$${word.secret}"`)).join(' ');
}

/** The command as an argv to exec: as is without secrets, else `/bin/sh -c 'exec … "$KEY"'` (same process, same argv). */
export function execArgv(words: readonly Word[]): string[] {
  return hasSecret(words) ? ['/bin/sh', '-c', `exec ${shellWords(words)}`] : (words as string[]);
}

/** The words for a person to read, each secret masked (`http://127.0.0.1/drain?token=***`). */
export function describeWords(words: readonly Word[]): string {
  return words.map((word) => (typeof word === 'string' ? word : word.shown)).join(' ');
}
