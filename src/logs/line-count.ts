/** A count of lines as `land logs -n` and `GET /logs?limit=` take it: digits only (not `1e2`, `0x2`, ` 2` or empty). */
export function lineCount(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const count = Number(text);
  return Number.isSafeInteger(count) ? count : undefined;
}
