/**
 * Names and values the dashboard shows (a tier's environment, a log record's attributes), masked as every message
 * is: a value whose name or content looks secret (src/config/secrets.ts) goes whole; any other goes through
 * redactText (src/config/redact.ts), so a URL's password or a registered secret inside it is masked in place.
 */
import { redactText } from '../config/redact.js';
import { looksSecret } from '../config/secrets.js';
import { SECRET_MASK } from './wire.js';

export function maskedPairs(pairs: Iterable<[string, string]>): { pairs: Array<[string, string]>; masked: number } {
  let masked = 0;
  const out = [...pairs]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]): [string, string] => {
      if (value !== '' && (looksSecret(key) || looksSecret(value))) {
        masked += 1;
        return [key, SECRET_MASK];
      }
      const redacted = redactText(value);
      if (redacted !== value) masked += 1;
      return [key, redacted];
    });
  return { pairs: out, masked };
}
