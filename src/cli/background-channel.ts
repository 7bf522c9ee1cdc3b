/**
 * `land up --background`: the background land's fatal line and the warnings of its start-up also go to the
 * foreground through a pipe on fd 3, so the foreground relays exactly those: the fatal line when the land exits, the
 * warnings (an invalid TRACEPARENT, say) when `land up -d` returns, whatever the verdict. The dashboard's login URL and
 * the control API's bearer token go down it only, never to the output file (no token is written to a log): the
 * foreground prints them as it hands over. Open only until the tiers start: then
 * closed, so no child inherits it and no later descriptor that takes the number 3 is written to.
 */
import { closeSync, writeSync } from 'node:fs';
import { stderrIsJournal } from './journal.js';

export const CHANNEL_FD = 3;

/** Each channel line is `<kind>\t<land's line>`. */
type Kind = 'fatal' | 'warning' | 'access';

/** The hidden `--in-background <output>` names only a file `land up -d` made in .land/run (background-output.ts). */
export function isSpawnOutputName(name: string): boolean {
  return /^background\.\d+\.log$/.test(name);
}

let open = false;

/** In the background land, at its start (main.ts): the foreground gave it the pipe. */
export function openFatalChannel(): void {
  open = true;
}

/** To the foreground if it still listens (a broken pipe is no error: the file has the line too). */
function send(kind: Kind, line: string): void {
  if (!open) return;
  try {
    writeSync(CHANNEL_FD, `${kind}\t${line.endsWith('\n') ? line : `${line}\n`}`);
  } catch {
    // The foreground is gone.
  }
}

/**
 * A line that carries a token (the dashboard's login URL, the control API's bearer token), said once to the person
 * who started land: on stderr, or from a background land to the foreground only (its stderr is a log file). Where
 * stderr is the journal (a service: `land startup`), nobody is there to take it: `withoutToken` is said instead.
 */
export function tellAccess(line: string, withoutToken: string): void {
  if (open) send('access', line);
  else process.stderr.write(`${stderrIsJournal() ? withoutToken : line}\n`);
}

/** The fatal line (`land: …\n`). */
export function sendFatal(line: string): void {
  send('fatal', line);
}

/**
 * A warning of land's start-up, one line: on stderr, and from a background land also to the foreground, which
 * prints it when it returns (in the background, stderr is the output file nobody reads).
 */
export function warnAtStart(line: string): void {
  process.stderr.write(`${line}\n`);
  send('warning', line);
}

/** In the foreground: the lines of one kind in what came down the channel (complete lines only). */
export function channelLines(text: string, kind: Kind): string[] {
  const prefix = `${kind}\t`;
  return text
    .split('\n')
    .slice(0, -1)
    .filter((line) => line.startsWith(prefix))
    .map((line) => line.slice(prefix.length));
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
