/**
 * The boolean rule shared by gates and telemetry keys: unset or empty means the default; `false`, `0`, `off`, `no`
 * (any case) mean false; anything else means true.
 */
const FALSE_WORDS = new Set(['false', '0', 'off', 'no']);

export function readFlag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  const word = value.trim().toLowerCase();
  if (word === '') return fallback;
  return !FALSE_WORDS.has(word);
}

/** True when the value is set and false by the rule above (what gates a tier off). */
export function isFalseFlag(value: string | undefined): boolean {
  return !readFlag(value, true);
}

const TRUE_WORDS = new Set(['true', '1', 'on', 'yes']);

/** The spellings a strictly read flag (a gate) accepts, for messages. */
export const FLAG_SPELLINGS = 'true, false, 1, 0, on, off, yes, no or empty';

/** Unset, empty, or a known true or false spelling (any case): what a gate flag may be. */
export function isFlagSpelling(value: string | undefined): boolean {
  if (value === undefined) return true;
  const word = value.trim().toLowerCase();
  return word === '' || TRUE_WORDS.has(word) || FALSE_WORDS.has(word);
}
