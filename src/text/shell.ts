/** Words as a POSIX shell reads them back: for commands land prints (hints) or writes (exported units, scripts). */

/** One word: bare when plainly safe, else in single quotes (a quote inside as `'\''`). */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** An argv as one command line. */
export function shellQuote(argv: readonly string[]): string {
  return argv.map(shellWord).join(' ');
}
