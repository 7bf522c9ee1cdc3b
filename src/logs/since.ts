/**
 * `land logs --since <duration|time>` (docker compose logs --since): a duration back from now (`90s`, `10m`,
 * `1h30m`, `2d`, `500ms`) or a time `Date` reads (`2026-12-07T07:00:00Z`, `2026-12-07 07:00`); and `-t`'s stamp.
 */
import { InputError } from '../errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;

/** The earliest arrival time (ms since the epoch) a line may have to be shown. */
export function parseSince(value: string, now = Date.now()): number {
  const text = value.trim();
  if (DURATION.test(text)) {
    let ms = 0;
    for (const [, count, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) ms += Number(count) * UNIT_MS[unit!]!;
    return now - ms;
  }
  // A date alone or a time with digits: not Date's loose reading of any word ("May" is a date to V8).
  const at = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at)) {
    throw new InputError(`--since: expected a duration (90s, 10m, 1h30m, 2d) or a time (2026-12-07T07:00:00Z), got ${JSON.stringify(value)}`);
  }
  return at;
}

/** `-t`: a line's arrival time, as docker compose logs -t shows it (UTC, ISO 8601, milliseconds). */
export const stamp = (at: number): string => `${new Date(at).toISOString()} `;
