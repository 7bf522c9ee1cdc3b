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
