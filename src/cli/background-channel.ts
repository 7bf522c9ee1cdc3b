/**
 * `land up --background`: the background land's fatal line also goes to the foreground through a pipe on fd 3, so
 * the foreground relays exactly that line (not the last lines of the output file, which hold the dashboard's and
 * the control API's tokens). Open only until the tiers start: then closed, so no child inherits it and no later
 * descriptor that takes the number 3 is written to.
 */
import { closeSync, writeSync } from 'node:fs';

export const CHANNEL_FD = 3;

/** The hidden `--in-background <output>` names only a file `land up -d` made in .land/run (background-output.ts). */
export function isSpawnOutputName(name: string): boolean {
  return /^background\.\d+\.log$/.test(name);
}

let open = false;

/** In the background land, at its start (main.ts): the foreground gave it the pipe. */
export function openFatalChannel(): void {
  open = true;
}

/** The fatal line, to the foreground if it still listens (a broken pipe is no error: the file has the line too). */
export function sendFatal(line: string): void {
  if (!open) return;
  try {
    writeSync(CHANNEL_FD, line);
  } catch {
    // The foreground is gone.
  }
}

/** Before the first tier starts: the start-up is over, the tiers must not inherit the pipe. */
export function closeFatalChannel(): void {
  if (!open) return;
  open = false;
  try {
    closeSync(CHANNEL_FD);
  } catch {
    // Closed already.
  }
}
