/** `land up`: boot the stack under a profile, show it, and bring it down on Ctrl-C / SIGTERM / SIGHUP / quit. */
import { EXIT_CONFLICT } from '../control/exit-codes.js';
import { refuseIfLive } from '../control/listen.js';
import { existsSync, rmdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { displayPath } from '../config/display-path.js';
import { repeatedKeysWarning } from '../config/env-repeats.js';
import { locateStack, type StackFile } from '../config/locate.js';
import { ensureSocketDir, socketPath } from '../control/paths.js';
import { checkWritableFolder } from '../control/private-dir.js';
import { preflight } from '../supervisor/preflight.js';
import { removePidRecord, runDir } from '../supervisor/pidfile.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { claimStack, ClaimRefused } from '../supervisor/stack-claim.js';
import { newBootId } from '../telemetry/ids.js';
import { InputError } from '../errors.js';
import { isSpawnOutputName, openFatalChannel } from './background-channel.js';
import { readPlan, type InputOptions } from './inputs.js';
import type { DashboardFlags } from './dashboard-start.js';
import { restrictPlan } from './only.js';
import { startLean } from '../runtime/optimizer.js';
import type { StackOptions } from './boot.js';
import type { BootPlan } from '../config/types.js';
import { endingTiers, untilTierEnds } from './exit-with.js';
import { guardBoot, UNGUARDED, type Guardian } from './guardian.js';
import { guardStart, type StartGuard } from './start-interrupt.js';

export interface UpOptions extends InputOptions, DashboardFlags {
  tui: boolean;
  /** Boot only these tiers (enabled even if gated); every other tier is disabled as "not requested". */
  only?: string[];
  /** With `only`: also the tiers they depend on, transitively. */
  withDeps?: boolean;
  /** Also serve the control API on 127.0.0.1:<port> behind a bearer token. */
  controlPort?: number;
  /** Ends the boot with an exit code (see boot.ts). */
  until?: StackOptions['until'];
  /** Keep running when the terminal or the parent goes away (README "Detaching"). */
  detached?: boolean;
  /** The OTLP receiver's port (over the config's receiver.port). */
  receiverPort?: number;
  /** `--exit-with <tier>`: the stack ends with that tier (src/cli/exit-with.ts). */
  exitWith?: string;
  /** `-d, --background`: start a detached land and return once the stack is up (src/cli/background.ts). */
  background?: boolean;
  /** `--wait-timeout <seconds>` of `--background`, in ms (main.ts converts). */
  waitTimeout?: number;
  /**
   * The land `--background` started (hidden flag, naming its output file): no display, a bounded output file
   * (src/cli/background-output.ts), its fatal line also to the foreground (src/cli/background-channel.ts).
   */
  inBackground?: string;
  /** `--watch-config`: apply a saved config (env files, profile) to the running stack, as `land apply` does. */
  watchConfig?: boolean;
}

/** How long a `land up` refused by a `land up -d` still handing the folder over waits to name the land it started. */
const HANDOVER_WAIT_MS = 15_000;

/**
 * The folder claimed before anything is read (stack-claim.ts): a `land down` from now on finds this land, and a
 * second land is refused here. What a land that died left running is reaped. Released by upCommand if the boot
 * fails; a land that runs the stack keeps it until its end.
 *
 * Refused by a `land up -d` that has not handed the folder to its land yet, this waits for that land, to name it (its
 * own pid and boot id would name the client and a boot that never is), or for the folder to be free again (that
 * start failed: this one goes on).
 */
async function claimFolder(rootDir: string, options: UpOptions, interrupts: StartGuard): Promise<string> {
  // .land/run private and really a folder (not a link, a file or another user's) before anything is read from it.
  ensureSocketDir(rootDir);
  // .land/logs, where the boot makes its folder: a file there, a link to nothing or a folder land cannot write is
  // one line now, not a raw mkdir error once the dashboard and the receiver listen.
  checkWritableFolder(join(rootDir, '.land', 'logs'));
  const bootId = newBootId();
  const giveUpAt = Date.now() + HANDOVER_WAIT_MS;
  for (;;) {
    try {
      // A land `land up -d` started takes over the claim of the foreground that started it.
      const handoverFrom = options.inBackground !== undefined ? process.ppid : undefined;
      const { dead, reaped } = await claimStack(rootDir, bootId, handoverFrom, options.background === true);
      if (dead && reaped > 0) process.stderr.write(`land: reaped ${reaped} process(es) left by a land that died (pid ${dead.pid}, boot ${dead.bootId})\n`);
      return bootId;
    } catch (error) {
      if (!(error instanceof ClaimRefused)) throw error;
      if (!error.holder.handsOver || Date.now() > giveUpAt) throw new InputError(error.message, EXIT_CONFLICT);
      await sleep(50);
      // Not raced: a claim made after the start had given up would be left behind.
      interrupts.check();
    }
  }
}

/** The plan for this boot; with `only`, restricted to the requested tiers (and their dependencies). */
async function readBootPlan(options: UpOptions, stack: StackFile, shellEnv?: Record<string, string>) {
  if (!options.only) return readPlan(options, undefined, stack, shellEnv);
  const plan = restrictPlan(await readPlan(options, [], stack, shellEnv), options.only, options.withDeps ?? false);
  preflight(plan);
  return plan;
}

/**
 * `land apply`: the same file, profile, tiers asked for and environment as this boot (src/supervisor/apply.ts). The
 * profile is the one the stack runs, named: not the one the profile files would choose now (with the default's file
 * gone, the files chose `default`, gates and all). Its file gone is refused, nothing changed; a boot with no profile
 * file at all (none existed) reads as it did. A Procfile's formation loses the types the file lost (formation.ts).
 */
function rereadOf(plan: BootPlan, options: UpOptions, stack: StackFile): () => Promise<BootPlan> {
  return async () => {
    if (plan.profileFile !== '' && !existsSync(plan.profileFile)) {
      throw new InputError(`profile ${plan.profile}: ${displayPath(plan.profileFile)} is gone, and this stack runs with it: put it back, or \`land down\` and \`land up --profile <name>\``);
    }
    // A Procfile that lost a type the formation names: the type is removed, the rest of the formation kept.
    const { formation, notes } = stack.kind === 'procfile' ? (await import('../procfile/stack.js')).formationForReread(stack.file, options.formation) : { formation: options.formation, notes: [] };
    const next = await readBootPlan({ ...options, formation, ...(plan.profileFile === '' ? {} : { profile: plan.profile }) }, stack, plan.shellEnv);
    if (notes.length > 0) next.config.rereadNotes = notes;
    return next;
  };
}

/** `--background` returns once the stack is up, so nothing would be left to end with a tier's code. */
function refuseBackgroundMisuse(options: UpOptions): void {
  if (options.inBackground !== undefined) {
    if (!isSpawnOutputName(options.inBackground)) throw new InputError('--in-background: only for the land that `land up -d` starts');
    openFatalChannel();
  }
  if (options.waitTimeout !== undefined && !options.background) throw new InputError('--wait-timeout: only with -d/--background');
  // The foreground returns once the stack is up: as pid 1 that ends the pid namespace, and the kernel kills the stack.
  if (options.background && process.pid === 1) {
    throw new InputError('-d/--background: land is pid 1 here (a container\'s first process): the stack would die with this process as it returns; run `land up` in the foreground');
  }
  if (options.background && options.exitWith !== undefined) {
    throw new InputError('--exit-with: not with -d/--background (it ends `land up` with the tier\'s code; run it in the foreground)');
  }
}

/** Two servers cannot share a port: said in one line before anything starts, not as the second one's EADDRINUSE. */
function refuseSharedPorts(options: UpOptions): void {
  const flags: Array<[string, number | undefined]> = [
    ['--control-port', options.controlPort],
    ['--receiver-port', options.receiverPort],
    ['--dashboard-port', options.dashboardPort],
  ];
  const named = flags.filter((entry): entry is [string, number] => entry[1] !== undefined && entry[1] !== 0);
  for (const [index, [flag, port]] of named.entries()) {
    const other = named.slice(index + 1).find(([, otherPort]) => otherPort === port);
    if (other) throw new InputError(`${flag}, ${other[0]}: both name port ${port}; give each its own port (or 0 for a free one)`);
  }
}

export async function upCommand(options: UpOptions): Promise<number> {
  // First: a signal from here until the stack's exit paths have it ends the start with a line (start-interrupt.ts).
  const interrupts = guardStart();
  try {
    return await upGuarded(options, interrupts);
  } catch (error) {
    // A start that failed of the signal itself (the config's compiler, in the same process group, got the Ctrl-C too).
    interrupts.check();
    throw error;
  } finally {
    interrupts.handOver();
  }
}

async function upGuarded(options: UpOptions, interrupts: StartGuard): Promise<number> {
  refuseBackgroundMisuse(options);
  refuseSharedPorts(options);
  // No optimizing compiler until land is busy: an idle supervisor keeps ~4 MB less resident (src/runtime/optimizer.ts).
  startLean();
  // Located once: the folder claimed is the stack's root (the config's rootDir is the folder of this same file).
  const stack = locateStack(options);
  const rootDir = dirname(stack.file);
  const made = absentStateFolders(rootDir);
  const bootId = await claimFolder(rootDir, options, interrupts).catch((error: unknown) => {
    removeEmptyFolders(made);
    throw error;
  });
  // A land killed outright from here on leaves nothing: its guardian reaps the boot's marks. Started now, before
  // the config loads (see guardian.ts), so no spawn precedes it; `-d`'s foreground runs no stack (its land has one).
  const guardian = options.background ? UNGUARDED : guardBoot(bootId);
  let refused = true;
  try {
    const plan = await interrupts.race(readBootPlan(options, stack));
    // Said once, by the land a person started (not again by the one `-d` starts, whose output goes to a file).
    const repeated = options.inBackground === undefined ? repeatedKeysWarning(plan) : undefined;
    if (repeated) process.stderr.write(`${repeated}\n`);
    const code = await bootClaimed(plan, options, { bootId, guardian, interrupts }, rereadOf(plan, options, stack));
    refused = false;
    return code;
  } finally {
    // A boot refused before its stack ran: the guardian goes without reaping (a stack's close has dismissed it).
    await guardian.dismiss();
    // Only this land's own claim: a background land that took it over, or a stack that ran, is not touched.
    removePidRecord(rootDir);
    if (refused) removeEmptyFolders(made);
  }
}

/** `.land/run` and `.land` when absent before this start: a start refused leaves no empty folder behind. */
function absentStateFolders(rootDir: string): string[] {
  return [runDir(rootDir), join(rootDir, '.land')].filter((dir) => !existsSync(dir));
}

function removeEmptyFolders(dirs: string[]): void {
  for (const dir of dirs) {
    try {
      rmdirSync(dir);
    } catch {
      // Not empty (a log, a cache, a background land's files: kept), or not there.
    }
  }
}

interface Claimed {
  bootId: string;
  guardian: Guardian;
  interrupts: StartGuard;
}

async function bootClaimed(plan: BootPlan, options: UpOptions, { bootId, guardian, interrupts }: Claimed, reread: StackOptions['reread']): Promise<number> {
  // `--exit-with` or the `exitWith` keys (checked before anything starts); `land spawn`'s own `until` wins.
  const ending = options.until ? undefined : endingTiers(plan, options.exitWith);
  if (options.background && ending && ending.names.length > 0) {
    // As the flag: the background land would end the stack with the tier, and its code would reach nobody.
    throw new InputError(`exitWith (on ${ending.names.join(', ')}): not with -d/--background (it ends \`land up\` with the tier's code; run it in the foreground)`);
  }
  const until = options.until ?? (ending && ending.names.length > 0 ? untilTierEnds(ending) : undefined);
  // The socket agrees with the pid file: a live land answering on it is refused before anything starts.
  await interrupts.race(refuseIfLive(socketPath(plan.config.rootDir)));
  if (ending?.note) process.stderr.write(`${ending.note}\n`);
  // Checked in the foreground, before the fork: bad input is one line and an exit code here, with nothing started.
  if (options.background) {
    const { upInBackground } = await interrupts.race(import('./background.js'));
    // From the fork on, the wait's own signal handling (background-wait.ts).
    interrupts.handOver();
    return upInBackground(plan, options);
  }
  // Only now the stack starts (its modules come in the config loader's chunk: scripts/bundle.mjs); the telemetry
  // clients stay lazy.
  const { runStack } = await interrupts.race(import('./boot.js'));
  // node waits for its own children only: what a tier orphans is reparented to pid 1 and never reaped (README).
  if (process.pid === 1) process.stderr.write('land: running as pid 1: orphaned processes of the tiers are never reaped (zombies pile up); run land under an init: docker run --init, tini\n');
  return runStack(plan, { ...options, until, ending: until && ending?.source, bootId, reread, guardian, interrupts });
}
