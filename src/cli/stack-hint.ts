/**
 * The `land …` commands a hint names, as they work from where the person is: `land down` finds the stack by looking
 * up from the current folder, so a stack started with `-c /elsewhere/land.config.ts` needs that `-c` in its hints.
 */
import { dirname } from 'node:path';
import { displayPath } from '../config/display-path.js';
import { locateStack, type StackFile } from '../config/locate.js';
import { shellWord } from '../text/shell.js';

/** What to add to `land <command>` so that it reaches the stack of `stack` from the current folder (-c, or -f for a Procfile). */
export function configArgs(stack: StackFile): string {
  let here: string | undefined;
  try {
    here = locateStack(undefined).file;
  } catch {
    // No stack found from here: the hint needs -c.
  }
  // A control client finds the stack by its folder: any stack file there reaches it.
  if (here !== undefined && dirname(here) === dirname(stack.file)) return '';
  return ` ${stack.kind === 'procfile' ? '-f' : '-c'} ${shellWord(displayPath(stack.file))}`;
}
