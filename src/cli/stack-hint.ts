/**
 * The `land …` commands a hint names, as they work from where the person is: `land down` finds the stack by looking
 * up from the current folder, so a stack started with `-c /elsewhere/land.config.ts` needs that `-c` in its hints.
 */
import { dirname } from 'node:path';
import { displayPath } from '../config/display-path.js';
import { locateStack } from '../config/locate.js';
import { shellWord } from '../text/shell.js';

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
