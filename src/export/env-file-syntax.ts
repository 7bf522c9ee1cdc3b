/**
 * One `KEY=value` line of a secrets env file, written so that the engine's own reader gives back the value byte for
 * byte: Compose's `env_file:` (docker-compose 1.x reads it with python-dotenv, Compose v2 with compose-go's dotenv)
 * and systemd's `EnvironmentFile=` (env-file.c).
 */

/** What docker-compose 1.x expands inside any value of an env file, quoted or not (python-dotenv's `${NAME}`). */
const COMPOSE_V1_VARIABLE = /\$\{[^}:]*(?::-[^}]*)?\}/;

/** Read the same, unquoted, by both Compose readers: no quote first, no `#`, `$`, line break or edge whitespace. */
const COMPOSE_BARE = /^[^\s'"#$]([^\r\n#$]*[^\s#$])?$/;

export interface ComposeLine {
  line: string;
  /** Set when no spelling reaches the container unchanged under both Compose readers: why. */
  problem?: string;
}

/**
 * The line for a Compose env file. Bare when that is safe; else double quotes with `\\`, `\"`, `\n`, `\r` (both
 * readers decode exactly those) when there is no `$` (Compose v2 expands `$NAME` there, 1.x keeps `\$`); else single
 * quotes (literal in both) when there is no `'`, no `\\` (1.x decodes it) and no trailing `\` (it escapes the quote).
 * Otherwise the Compose v2 spelling, and a problem the caller warns about.
 */
export function composeEnvLine(key: string, value: string): ComposeLine {
  if (value === '' || COMPOSE_BARE.test(value)) return { line: `${key}=${value}` };
  const trailingBackslash = value.endsWith('\\');
  if (!value.includes('$') && !trailingBackslash) return { line: `${key}="${doubleQuoted(value)}"` };
  const singleQuotable = !value.includes("'") && !value.includes('\\\\') && !trailingBackslash;
  if (singleQuotable && !COMPOSE_V1_VARIABLE.test(value)) return { line: `${key}='${value}'` };
  if (singleQuotable) return { line: `${key}='${value}'`, problem: 'holds "${…}", which docker-compose 1.x expands in an env file whatever the quoting (Compose v2 reads it as written)' };
  // Compose v2's own spelling: `\$` is a literal `$` there (1.x would keep the backslash).
  const v2 = doubleQuoted(value).replace(/\$/g, '\\$');
  const why = trailingBackslash ? 'ends with a backslash, which escapes the closing quote' : `holds both "$" and ${value.includes("'") ? "a single quote" : 'a double backslash'}`;
  return { line: `${key}="${v2}"`, problem: `${why}: no env-file spelling reads back the same under docker-compose 1.x and Compose v2 (written for Compose v2)` };
}

function doubleQuoted(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/**
 * The line for a systemd `EnvironmentFile=`: double quotes, where systemd's reader unescapes a backslash before
 * `"`, `\`, `` ` `` and `$` only (it keeps any other backslash, so `\n` would reach the service as backslash-n) and
 * keeps a line break as it is: a multi-line value is written over several lines.
 */
export function systemdEnvLine(key: string, value: string): string {
  return `${key}="${value.replace(/["\\`$]/g, '\\$&')}"`;
}
