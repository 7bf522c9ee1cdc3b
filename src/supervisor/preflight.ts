/**
 * Checks made before anything starts, so a bad command or cwd is a one-line error with nothing started half-way
 * (rather than one tier failing after its neighbours are up).
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { displayPath } from '../config/display-path.js';
import type { BootPlan, ResolvedTier } from '../config/types.js';
import { InputError } from '../errors.js';
import { checkExecLimits, checkNulBytes, execArgumentRoom } from './preflight-env.js';
import { shellFirstWord } from './shell-first-word.js';

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

export function findExecutable(command: string, cwd: string, pathValue: string | undefined): string | undefined {
  if (command.includes('/')) {
    const file = isAbsolute(command) ? command : resolve(cwd, command);
    return isExecutable(file) ? file : undefined;
  }
  for (const dir of (pathValue ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, command))) return join(dir, command);
  }
  return undefined;
}

/**
 * What one preflight pass has already found: a folder that exists, a command found on a PATH from a cwd. Tiers of a
 * stack mostly share both (64 replicas of one command: 64 × a stat and a PATH search of ~10 access calls before).
 */
interface Seen {
  folders: Set<string>;
  commands: Set<string>;
}

/** What a preflight pass checks beyond the cwd and exec's limits. */
export interface PreflightChecks {
  /**
   * Whether each command (and stop command) must be found here. Off for `land export`: the engines run the commands
   * inside an image or on another host, where this machine's PATH says nothing (systemd's export warns instead).
   */
  executables?: boolean;
}

function checkTier(plan: BootPlan, tier: ResolvedTier, room: number, seen: Seen, checks: PreflightChecks): void {
  // Named only on a problem: displayPath resolves against the cwd, work a boot of many tiers need not do.
  const label = () => displayPath(plan.config.configFile);
  if (!seen.folders.has(tier.cwd)) {
    let isDir = false;
    try {
      isDir = statSync(tier.cwd).isDirectory();
    } catch {
      // reported below
    }
    if (!isDir) throw new InputError(`${label()}: tiers.${tier.name}.cwd: expected an existing folder, got "${tier.cwd}"`);
    seen.folders.add(tier.cwd);
  }
  if (checks.executables !== false) checkCommands(plan, tier, seen, label);
  checkExecLimits(plan, tier, room);
}

function checkCommands(plan: BootPlan, tier: ResolvedTier, seen: Seen, label: () => string): void {
  const path = tier.env.PATH ?? tier.fileEnv?.PATH ?? plan.profileEnv.PATH ?? plan.shellEnv.PATH;
  // A shell line's program is its first word: said so, since the key holds a whole line. A probe's exec is always an argv.
  const line = tier.shell ? ' (the first word of its shell line)' : '';
  const commands: Array<[string, string | undefined, string]> = [
    ['command', programOf(tier, tier.command), line],
    ['stop.command', programOf(tier, tier.stop.command), line],
    ['ready.exec', probeProgram(tier.ready), ''],
    ['liveness.exec', probeProgram(tier.liveness), ''],
  ];
  for (const [key, command, where] of commands) {
    const seenKey = `${command}\0${tier.cwd}\0${path ?? ''}`;
    if (command === undefined || seen.commands.has(seenKey)) continue;
    if (!findExecutable(command, tier.cwd, path)) {
      throw new InputError(`${label()}: tiers.${tier.name}.${key}: expected an executable, ${whyNotExecutable(command, tier.cwd)}${where}`);
    }
    seen.commands.add(seenKey);
  }
}

/** The program an argv runs, or a shell line's first word when plain (`/bin/sh -c "bundle exec puma"`: bundle). */
function programOf(tier: ResolvedTier, argv: string[] | undefined): string | undefined {
  if (argv === undefined) return undefined;
  return tier.shell ? shellFirstWord(argv[2] ?? '') : argv[0];
}

/** The program an exec probe runs (it has no shell of its own), or none for the other kinds of probe. */
function probeProgram(probe: ResolvedTier['ready'] | ResolvedTier['liveness']): string | undefined {
  return probe && 'exec' in probe ? probe.exec[0] : undefined;
}

/** What is wrong with a command that cannot be run: absent, a folder, or a file without the execute bit. */
export function whyNotExecutable(command: string, cwd: string): string {
  if (!command.includes('/')) return `"${command}" was not found on PATH`;
  try {
    const stat = statSync(isAbsolute(command) ? command : resolve(cwd, command));
    if (stat.isDirectory()) return `"${command}" in ${cwd} is a folder`;
    return `"${command}" in ${cwd} is not executable (chmod +x it, or run it through its interpreter)`;
  } catch {
    return `"${command}" was not found in ${cwd}`;
  }
}

/**
 * Every tier that will start: its cwd exists, its command, stop command and exec probes can be found, and exec will
 * take its argv and environment.
 * No variable of the env files or the profile holds a NUL byte, whichever tier gets it.
 */
export function preflight(
  plan: BootPlan,
  names = plan.tiers.filter((tier) => tier.enabled).map((tier) => tier.name),
  checks: PreflightChecks = {},
): void {
  checkNulBytes(plan);
  const room = execArgumentRoom();
  const seen: Seen = { folders: new Set(), commands: new Set() };
  for (const name of names) {
    const tier = plan.config.tiers.find((candidate) => candidate.name === name);
    if (tier) checkTier(plan, tier, room, seen, checks);
  }
}
