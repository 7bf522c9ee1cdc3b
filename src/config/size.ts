/**
 * Sizes in the config (`limits.memory`): a whole number of bytes, or a string such as `512M` or `1.5G`. The units
 * are powers of 1024, as PM2's `max_memory_restart`, systemd's `MemoryMax=` and Docker's `mem_limit` read them
 * (`K`, `M`, `G`, any case, an optional `B` or `iB` after: `512MiB` is `512M`).
 */

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
const SIZE = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?$/i;

/** The smallest limit: below a mebibyte no process runs, and a bare `512` is more likely meant as megabytes. */
export const MIN_MEMORY_BYTES = 1024 ** 2;

export const SIZE_RULE = 'a size of at least 1M: a whole number of bytes, or a string such as "512M" (K, M, G: powers of 1024)';

/** Bytes, or undefined for anything that is not a size (or is under MIN_MEMORY_BYTES). */
export function parseSize(value: unknown): number | undefined {
  let bytes: number | undefined;
  if (typeof value === 'number') bytes = Number.isInteger(value) ? value : undefined;
  else if (typeof value === 'string') {
    const match = SIZE.exec(value.trim());
    if (match) bytes = Math.floor(Number(match[1]) * UNITS[match[2]!.toLowerCase()]!);
  }
  return bytes !== undefined && bytes >= MIN_MEMORY_BYTES && Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** `612 MiB`, `1.5 GiB`, `900 KiB`: for messages (the unit that keeps the number under 1024, one decimal under 10). */
export function formatSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const text = unit === 0 || value >= 10 ? String(Math.round(value)) : value.toFixed(1).replace(/\.0$/, '');
  return `${text} ${units[unit]}`;
}
