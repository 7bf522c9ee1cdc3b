/** How a burst of changes reads in a state reason, the printer and the UI: `src/a.ts changed (+3 more)`. */
export function describeChange(files: readonly string[]): string {
  const [first = 'a watched file'] = files;
  return `${first} changed${files.length > 1 ? ` (+${files.length - 1} more)` : ''}`;
}
