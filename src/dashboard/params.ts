/** Query parameters of the dashboard's API, checked: a bad one is a 400 naming the parameter and what was expected. */
import { ApiFailure } from '../control/http-util.js';

/** A parameter given at most once (`limit=5&limit=6` is refused, as the control API refuses it, not read as its first). */
export function single(params: URLSearchParams, name: string): string | null {
  const values = params.getAll(name);
  if (values.length > 1) throw new ApiFailure('bad-request', `${name}: given ${values.length} times, expected once`);
  return values[0] ?? null;
}

export function whole(value: string | null, name: string, fallback: number, least = 0): number {
  if (value === null) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < least) throw new ApiFailure('bad-request', `${name}: expected a whole number ≥ ${least}, got "${value.slice(0, 60)}"`);
  return n;
}

/** `1`/`true` or `0`/`false` (absent: false). */
export function flag(value: string | null, name: string): boolean {
  if (value === null || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  throw new ApiFailure('bad-request', `${name}: expected 1 or 0, got "${value.slice(0, 60)}"`);
}

/** Free text of at most `max` characters (absent: ''). */
export function text(value: string | null, name: string, max: number): string {
  if (value === null) return '';
  if (value.length > max) throw new ApiFailure('bad-request', `${name}: expected at most ${max} characters, got ${value.length}`);
  return value;
}
