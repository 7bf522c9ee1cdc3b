/**
 * `land up --background` (`-d`): start the stack as a detached land of its own and give the shell back once it is
 * up (README "Detaching"). The inputs were checked before the fork (up.ts); this starts the land, waits
 * (background-wait.ts), and prints one summary: the status table, the dashboard and control API lines, and how to
 * follow and stop it. The stack keeps running whatever ends the wait, unless it stopped by itself.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { displayPath } from '../config/display-path.js';
import { locateStack } from '../config/locate.js';
import type { BootPlan } from '../config/types.js';
import { EXIT_NO_STACK, EXIT_NOT_UP } from '../control/exit-codes.js';
import type { StackSnapshot } from '../supervisor/types.js';
import { outputPath, removeSpawnOutput } from './background-output.js';
import { readPidRecord, reapBoot, runDir } from '../supervisor/pidfile.js';
import { signalCode, startBackgroundLand, type BackgroundLand } from './background-start.js';
import { defaultWaitMs, waitUntilUp, type WaitEnd } from './background-wait.js';
import { configArgs } from './stack-hint.js';
import { renderStatus } from './status-table.js';
import type { UpOptions } from './up.js';

/** How long a stack that is shutting down may take to exit before the command stops waiting for its code. */
const EXIT_WAIT_MS = 30_000;
/** How long the warnings of a land still starting may take to arrive once the wait has ended. */
const WARNINGS_WAIT_MS = 200;

const say = (line: string) => process.stderr.write(`land: ${line}\n`);

/**
 * The lines `land up` prints once for the person who started it, which the background land sent down its channel
 * only (their tokens are in no file): the dashboard's login URL (`land dashboard` prints it again), the control API's.
 */
function printAccess(land: BackgroundLand): void {
  for (const line of land.access()) process.stderr.write(`${line}\n`);
}

function printRunning(rootDir: string, snapshot: StackSnapshot, land: (command: string) => string): void {
  const output = displayPath(outputPath(rootDir));
  process.stdout.write(renderStatus(snapshot));
  process.stdout.write(
    `land: running in the background (land pid ${snapshot.pid}; its own output in ${output}): ` +
      `\`${land('logs -f')}\` follows every tier (\`${land('logs <tier> -f')}\` one), \`${land('status')}\` shows it, \`${land('down')}\` stops it\n`,
  );
}

/** Where the background land's output is: its own file if it never held the pid file, else background.log. */
function outputOf(rootDir: string, land: BackgroundLand): string {
  const own = join(runDir(rootDir), land.output);
  return displayPath(existsSync(own) ? own : outputPath(rootDir));
}

/**
 * Killed (no fatal line): its tiers would run on with nobody to stop them but the next `land up`'s reaping, while an
 * exit relayed here means nothing runs: they are reaped now, by the boot mark of the pid file it wrote.
 */
function reportKilled(rootDir: string, land: BackgroundLand, during: string, code: number): number {
  const record = readPidRecord(rootDir);
  const reaped = record && record.pid === land.child.pid ? reapBoot(record.bootId).length : 0;
  say(`the background land was killed (${land.signal}) ${during}; ${reaped} process(es) of its tiers stopped (its output: ${outputOf(rootDir, land)})`);
  return code;
}

/** The background land stopped: its fatal line (sent on its channel, never the file's token lines) and its code. */
async function relayExit(rootDir: string, land: BackgroundLand, during: string): Promise<number> {
  const code = await Promise.race([land.exited, sleep(EXIT_WAIT_MS, undefined)]);
  if (code === undefined) {
    say(`the background land is still shutting down ${during} (its output: ${outputOf(rootDir, land)})`);
    return EXIT_NO_STACK;
  }
  if (code !== 0 && land.fatal.length > 0) {
    for (const line of land.fatal) process.stderr.write(`${line}\n`);
    // It never ran the stack (or its file was claimed already: then this removes nothing).
    removeSpawnOutput(rootDir, land.output);
    return code;
  }
  if (land.signal) return reportKilled(rootDir, land, during, code);
  say(`the background land exited with code ${code} ${during} (its output: ${outputOf(rootDir, land)})`);
  return code || EXIT_NO_STACK;
}

/** `hint`: a `land …` command as it works from the current folder (stack-hint.ts). */
function report(rootDir: string, land: BackgroundLand, end: WaitEnd, timeoutMs: number, hint: (command: string) => string): Promise<number> | number {
  if (end.kind === 'exited') return relayExit(rootDir, land, 'before the stack was up');
  if (end.kind === 'signal') {
    printAccess(land);
    say(`stopped waiting (${end.signal}); the stack keeps starting in the background: \`${hint('status')}\` shows it, \`${hint('down')}\` stops it`);
    return signalCode(end.signal);
  }
  if (end.kind === 'decided' && end.verdict.kind === 'shutting-down') return relayExit(rootDir, land, 'while the stack was starting: it was shut down');
  if (end.snapshot) printRunning(rootDir, end.snapshot, hint);
  // The stack runs on whatever the verdict: its dashboard and control API are there to look at it.
  printAccess(land);
  if (end.kind === 'decided' && end.verdict.kind === 'up') return 0;
  if (end.kind === 'timeout') {
    say(`the stack was not up within ${timeoutMs / 1000} s${end.waiting.length ? ` (still waiting for ${end.waiting.join(', ')})` : ''}; it keeps running`);
  } else if (end.verdict.kind === 'failed') {
    for (const { tier, reason } of end.verdict.failures) say(`${tier} failed to start: ${reason} (\`${hint(`logs ${tier}`)}\`)`);
    say(`the stack keeps running; \`${hint('down')}\` stops it`);
  }
  return EXIT_NOT_UP;
}

/**
 * The warnings the background land's start-up wrote to its output file (an invalid TRACEPARENT, say), said here
 * whatever ended the wait. The channel is closed before its first tier starts, so after "up" this waits for nothing;
 * a land still starting (a timeout, Ctrl-C) is given a moment for what it has sent.
 */
async function sayWarnings(land: BackgroundLand): Promise<void> {
  await Promise.race([land.channelClosed, sleep(WARNINGS_WAIT_MS)]);
  for (const line of land.warnings()) process.stderr.write(`${line}\n`);
}

export async function upInBackground(plan: BootPlan, options: UpOptions): Promise<number> {
  const rootDir = plan.config.rootDir;
  const timeoutMs = options.waitTimeout ?? defaultWaitMs(plan);
  const land = startBackgroundLand(rootDir, options);
  try {
    const end = await waitUntilUp(rootDir, land, timeoutMs, say);
    await sayWarnings(land);
    const extra = configArgs(locateStack(options));
    return await report(rootDir, land, end, timeoutMs, (command) => `land ${command}${extra}`);
  } finally {
    // The foreground exits on its own; the background land is no child it waits for.
    land.child.unref();
  }
}
