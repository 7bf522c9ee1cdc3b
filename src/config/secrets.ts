/**
 * Error messages quote what a person wrote, but never a secret (the PostHog key `Authorize` above all). Anything
 * that looks like one, by its key name or by PostHog's key prefix, is left out of messages. `authoriz`/`authoris`
 * covers an HTTP `authorization` header sent as an attribute, whatever its scheme.
 */
/*
 * Also a name ending in `_PASS`, `_PWD` or `_KEY` (`DB_PASS`, `MYSQL_PWD`, `JWT_KEY`, `ENCRYPTION_KEY`), but not the
 * shell's own `PWD`/`OLDPWD` (the current directory: registering it would mask every path under it).
 */
const SECRET_HINT = /authori[sz]|secret|token|passw|api[_-]?key|private[_-]?key|phc_|(?:^|[_-])pass\b|[_-]pwd\b|[_-]key\b/i;

export function looksSecret(text: string): boolean {
  return SECRET_HINT.test(text);
}

/** Placeholder for a value left out of a message. */
export const HIDDEN = '(hidden: it may be a secret)';
