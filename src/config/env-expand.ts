/**
 * `${VAR}` in an env file, expanded as Docker Compose and godotenv do (dotenv-expand's rules: `$VAR`, `${VAR}`,
 * `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}`), from the keys above it in the same file, the env files read
 * before it, and land's own environment. `\$` and `$$` are a literal `$`; a single-quoted value is taken as written
 * (Compose's rule). land's exported variables win over a file's value, as they do without expansion (plan.ts).
 */
import { expand } from 'dotenv-expand';

/** The keys whose last assignment in the text is single-quoted: their values are literal. */
export type QuotedKeys = ReadonlySet<string>;

/**
 * `parsed`: one file's values; `earlier`: what the files before it set; `shell`: land's environment. A key this
 * file sets again is not taken from `earlier` (dotenv-expand would keep the first value it is given).
 */
export function expandEnvValues(
  parsed: Record<string, string>,
  literal: QuotedKeys,
  earlier: Readonly<Record<string, string>>,
  shell: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const before: Record<string, string> = {};
  for (const [key, value] of Object.entries(earlier)) if (!(key in parsed)) before[key] = value;
  for (const [key, value] of Object.entries(shell)) if (value !== undefined) before[key] = value;
  const escaped: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    // `$$` as Compose writes a literal `$`; dotenv-expand knows `\$`.
    escaped[key] = literal.has(key) ? value.replaceAll('$', '\\$') : value.replaceAll('$$', '\\$');
  }
  return { ...expand({ parsed: escaped, processEnv: before }).parsed };
}
