/**
 * Names land speaks under itself: `mountain` (land's own tier in events, spans and state lines), `echo` and `mist`
 * (libraries inside it with their own `land:echo:*`, `land:mist:*` events). A tier of that name would read as land.
 */
export const RESERVED_TIER_NAMES: readonly string[] = ['mountain', 'echo', 'mist'];

export const isReservedTierName = (name: string): boolean => RESERVED_TIER_NAMES.includes(name);

/** The end of a message after `expected a <what> `. */
export const RESERVED_RULE = `other than ${RESERVED_TIER_NAMES.join(', ')} (land's own names in its events and state lines)`;
