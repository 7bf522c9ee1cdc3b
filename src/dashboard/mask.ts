/**
 * Names and values the dashboard shows (a tier's environment, a log record's attributes, a span's attributes), masked
 * as every message is: a value whose name or content looks secret (src/config/secrets.ts) goes whole; any other goes
 * through redactText (src/config/redact.ts), so a URL's password or a registered secret inside it is masked in place.
 */
import { redactText } from '../config/redact.js';
import { looksSecret } from '../config/secrets.js';
import { SECRET_MASK } from './wire.js';

/** One value as the page shows it, masked; null when nothing in it needed masking. */
function maskedValue(key: string, value: string): string | null {
  if (value !== '' && (looksSecret(key) || looksSecret(value))) return SECRET_MASK;
  const redacted = redactText(value);
  return redacted !== value ? redacted : null;
}

export function maskedPairs(pairs: Iterable<[string, string]>): { pairs: Array<[string, string]>; masked: number } {
  let masked = 0;
  const out = [...pairs]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]): [string, string] => {
      const shown = maskedValue(key, value);
      if (shown === null) return [key, value];
      masked += 1;
      return [key, shown];
    });
  return { pairs: out, masked };
}

/**
 * A span's (or span event's) attributes, masked the same way. Values keep their type unless masked: a number or
 * list a child sent is checked as the JSON text the page would draw, and replaced by its masked text only if needed.
 */
export function maskedAttributes(attributes: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attributes)) {
    const text = typeof value === 'string' ? value : JSON.stringify(value) ?? '';
    out[key] = maskedValue(key, text) ?? value;
  }
  return out;
}
