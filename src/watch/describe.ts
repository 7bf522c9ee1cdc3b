/** How a burst of changes reads in a state reason, the printer, `status` and the UI: `src/a.ts changed (+3 more)`. */
export function describeChange(file: string, files = 1): string {
  return `${file} changed${files > 1 ? ` (+${files - 1} more)` : ''}`;
}
