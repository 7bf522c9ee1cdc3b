/** A shell line's secrets moved alone (src/export/script-secrets.ts): the line as the shell reads it, each reference. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { scriptWithSecretRefs } from '../../src/export/script-secrets.js';

/** The rewritten script and the secrets it refers to. */
function moved(script: string): { script: string | undefined; secrets: Record<string, string> } {
  let count = 0;
  const secrets: Record<string, string> = {};
  return { script: scriptWithSecretRefs(script, () => `S${(count += 1)}`, secrets), secrets };
}

/** What `sh -c` prints for the script's words (each on a line), with the given environment. */
const words = (script: string, env: Record<string, string> = {}) =>
  execFileSync('sh', ['-c', `set -- ${script}; printf '%s\\n' "$@"`], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });

describe('a shell line with secrets in it', () => {
  it('moves only the secrets, each referred to as the shell reads it where it stood, and the shell reads the same words', () => {
    const lines = [
      `sh -c 'curl -H "Authorization: Bearer abc-123" http://x && echo ok'`,
      `app --token abc-123 --name 'the --token' x`,
      `app --password "two words" -- 'a'"b"`,
      `curl -fsS -u user:pw-123 http://x/bearer; echo "Bearer tok-456 here"`,
      `psql 'postgres://me:pw-789@db/app' # the comment's quote: don't`,
    ];
    for (const line of lines) {
      const { script, secrets } = moved(line);
      expect(script, line).toBeDefined();
      for (const secret of Object.values(secrets)) expect(script).not.toContain(secret);
      // (`set --` would take a comment's words as its own: the comment is left out here.)
      expect(words(script!.replace(/ #.*/, ''), secrets), line).toBe(words(line.replace(/ #.*/, '')));
    }
    expect(moved(lines[0]!)).toEqual({ script: `sh -c 'curl -H "Authorization: Bearer '"\${S1}"'" http://x && echo ok'`, secrets: { S1: 'abc-123' } });
    expect(moved(lines[2]!).secrets).toEqual({ S1: 'two words' });
    expect(moved(lines[3]!).secrets).toEqual({ S1: 'pw-123', S2: 'tok-456' });
  });

  it('gives up (the whole line moves) where it does not follow the shell or a secret is no plain text', () => {
    for (const line of [
      'app --token $(cat /run/token)',
      'app --token `cat f` --api-key=abc-123',
      'app --api-key=abc-$SUFFIX',
      'app --token \\abc-123',
      "app --token 'abc-123",
      "cat <<EOF\n--token abc-123\nEOF",
      "app $'--token' abc-123",
    ]) {
      expect(moved(line), line).toEqual({ script: undefined, secrets: {} });
    }
  });
});
