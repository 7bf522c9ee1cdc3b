/**
 * Sizes in the config (`limits.memory`): a whole number of bytes, or a string such as `512M` or `1.5G`. The units
 * are powers of 1024, as PM2's `max_memory_restart`, systemd's `MemoryMax=` and Docker's `mem_limit` read them
 * (`K`, `M`, `G`, `T`, any case, an optional `i`, `B` or `iB` after: `512Mi` and `512MiB` are `512M`; a bare `B` is bytes).
 */

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
// `i` only after a unit letter: `2000000ib` is no size.
const SIZE = /^(\d+(?:\.\d+)?)\s*(?:([kmgt])i?b?|b)?$/i;

/** The smallest limit: below a mebibyte no process runs, and a bare `512` is more likely meant as megabytes. */
export const MIN_MEMORY_BYTES = 1024 ** 2;

export const SIZE_RULE = 'a size of at least 1M: a whole number of bytes, or a string such as "512M" (K, M, G, T: powers of 1024)';

/** Above it a number of bytes is no longer exact in JavaScript (2^53 bytes: 8192T). */
export const SIZE_TOO_LARGE = 'a size under 8192T (2^53 bytes, the largest a number holds exactly)';

/** Bytes as written, before the bounds; undefined for anything that is not a size. */
function bytesOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = SIZE.exec(value.trim());
  return match ? Math.floor(Number(match[1]) * UNITS[(match[2] ?? '').toLowerCase()]!) : undefined;
}

/** Bytes, or undefined for anything that is not a size (or is under MIN_MEMORY_BYTES, or too large). */
export function parseSize(value: unknown): number | undefined {
  const bytes = bytesOf(value);
  return bytes !== undefined && bytes >= MIN_MEMORY_BYTES && Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** What a value that parseSize refuses was expected to be: the rule, or the upper bound for a size too large. */
export function sizeExpectation(value: unknown): string {
  const bytes = bytesOf(value);
  return bytes !== undefined && bytes >= MIN_MEMORY_BYTES ? SIZE_TOO_LARGE : SIZE_RULE;
}

/** `612 MiB`, `1.5 GiB`, `900 KiB`: for messages (the unit that keeps the number under 1024, one decimal under 10). */
export function formatSize(bytes: number): string {
  const { value, unit } = scaleBinary(bytes, 4);
  const text = unit === 0 || value >= 10 ? String(Math.round(value)) : value.toFixed(1).replace(/\.0$/, '');
  return `${text} ${['B', 'KiB', 'MiB', 'GiB', 'TiB'][unit]}`;
}

/** The number of 1024s (at most `maxUnit`) that keeps `bytes` under 1024, and what is left: for sizes in messages and cells. */
export function scaleBinary(bytes: number, maxUnit: number): { value: number; unit: number } {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < maxUnit) {
    value /= 1024;
    unit += 1;
  }
  return { value, unit };
}
