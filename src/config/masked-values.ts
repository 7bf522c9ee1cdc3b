/**
 * Names and values land shows (a tier's environment, a log record's attributes and body, a span's attributes), masked
 * as every message is, alike on every surface (the dashboard, `land trace --json`, `land logs`): a value whose name or
 * content looks secret (secrets.ts) goes whole; any other goes through redactRecordText (redact.ts), so a URL's password or
 * a registered secret inside it is masked in place.
 */
import { redactRecordText } from './redact.js';
import { looksSecret } from './secrets.js';

/** What a masked value shows (the dashboard's wire.ts names it for the page). */
export const SECRET_MASK = '•••••• (masked)';

/**
 * A name as shown (a span's, a span event's, a metric's, a metric's description): what redactRecordText masks in a
 * value masked in place (`GET /reset?token=***`, a URL's password, `Bearer ***`, a registered secret's value), but
 * never the name whole for a secret-sounding word in it, as a value is: `POST /auth/token`, `password.resets` and
 * `api_key.lookups` are ordinary names, and a name masked whole would leave a waterfall of identical rows.
 */
export function shownName(name: string): string {
  return redactRecordText(name);
}

/** One value as the page shows it, masked; null when nothing in it needed masking. */
function maskedValue(key: string, value: string): string | null {
  if (value !== '' && (looksSecret(key) || looksSecret(value))) return SECRET_MASK;
  const redacted = redactRecordText(value);
  return redacted !== value ? redacted : null;
}

/** A value as the page shows it: masked if it needs to be, else as it is (what a search is allowed to match). */
export function shownValue(key: string, value: string): string {
  return maskedValue(key, value) ?? value;
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

/** What `maskedDeep` did: whether any value in the structure was masked. */
interface Masking {
  changed: boolean;
}

/** A structured value (a key-value list, an array) with each value masked by its key, as an attribute would be. */
function maskedDeep(value: unknown, key: string, masking: Masking): unknown {
  if (Array.isArray(value)) return value.map((item) => maskedDeep(item, key, masking));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [inner, item] of Object.entries(value)) {
      const whole = looksSecret(inner) && item !== '';
      if (whole) masking.changed = true;
      out[inner] = whole ? SECRET_MASK : maskedDeep(item, inner, masking);
    }
    return out;
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? '';
  const shown = maskedValue(key, text);
  if (shown === null) return value;
  masking.changed = true;
  return shown;
}

/**
 * A log record's body as shown. A structured body (stored as its JSON text: a key-value list `{msg, password}`) has
 * each value masked by its key, as the same list as attributes would be; a plain message is redacted in place (a
 * message that mentions a password is not itself one). A structured body with nothing to mask is returned as sent:
 * parsing and writing it again would lose its formatting and round a large number (`12345678901234567890`).
 */
export function maskedBody(body: string): string {
  if (body.startsWith('{') || body.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return redactRecordText(body);
    }
    if (typeof parsed === 'object' && parsed !== null) {
      const masking: Masking = { changed: false };
      const shown = maskedDeep(parsed, '', masking);
      return masking.changed ? JSON.stringify(shown) : body;
    }
  }
  return redactRecordText(body);
}
