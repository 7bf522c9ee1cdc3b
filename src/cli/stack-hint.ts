/**
 * The `land …` commands a hint names, as they work from where the person is: `land down` finds the stack by looking
 * up from the current folder, so a stack started with `-c /elsewhere/land.config.ts` needs that `-c` in its hints.
 */
import { dirname } from 'node:path';
import { displayPath } from '../config/display-path.js';
import { locateStack } from '../config/locate.js';

/** A word as a POSIX shell reads it back (a path with spaces or quotes, say). */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** What to add to `land <command>` so that it reaches the stack of `stackFile` from the current folder. */
export function configArgs(stackFile: string): string {
  let here: string | undefined;
  try {
    here = locateStack(undefined).file;
  } catch {
    // No stack found from here: the hint needs -c.
  }
  if (here !== undefined && dirname(here) === dirname(stackFile)) return '';
  return ` -c ${shellWord(displayPath(stackFile))}`;
}
