/**
 * `land up`'s claim on its folder, made before the config is read: the pid file (pidfile.ts), created exclusively
 * and marked `booting` until the control socket answers. Without it, a `land down` (or `land status`) in the first
 * ~150 ms of a boot found no socket and no pid file, said "no stack is running", and the stack booted anyway; with
 * it, a client that finds a booting land waits for its socket (src/cli/no-stack.ts). Two lands that start together
 * race on the exclusive create: one claims, the other is refused (exit 4) before it reads anything.
 *
 * A claim left by a land that died (its pid gone, or another process's now) is taken over, and what that land's
 * boot left running is reaped by its boot mark, as before. A land started by `land up -d` takes its parent's
 * claim over (the foreground held it while it checked the inputs).
 *
 * Nothing is reaped while the stack's control socket answers, whatever the pid file says: a record written in another
 * pid namespace (a land in a container, seen from the host or from another container on the same volume) names a pid
 * that means something else here, so the socket alone says whether that land runs (pid-namespace.ts).
 */
import { linkSync, renameSync, writeFileSync } from 'node:fs';
import { reason, removeFile, writePrivateFile } from '../control/private-dir.js';
import { displayPath } from '../config/display-path.js';
import { inOtherNamespace, liveLand, ownIdentity, pidPath, readPidFile, readPidRecord, reapBoot, type PidRecord } from './pidfile.js';
import { probeSocket } from '../control/listen.js';
import { socketPath } from '../control/paths.js';

export interface Claim {
  /** The record that was there: a land that died, whose leftovers were reaped (`reaped` of them). */
  dead?: PidRecord;
  reaped: number;
}

/**
 * Refused: a live land holds the folder, or a `land up -d` that will hand it to the land it starts (that one's pid and
 * boot are not known yet: they are not named, `land status` shows them once it is up).
 */
export class ClaimRefused extends Error {
  constructor(readonly holder: PidRecord, rootDir: string) {
    super(refusal(holder, rootDir));
    this.name = 'ClaimRefused';
  }
}

function refusal(holder: PidRecord, rootDir: string): string {
  const elsewhere = inOtherNamespace(holder) ? ' in another pid namespace' : '';
  const pid = elsewhere ? `a container: pid ${holder.pid} there` : `pid ${holder.pid}`;
  if (holder.handsOver) return `another \`land up -d\` (${pid}) is starting this stack${elsewhere}: \`land status\` shows its land once it is up, \`land down\` stops it`;
  if (elsewhere && holder.booting) {
    // Its socket does not answer yet: starting, or killed while starting (with its container). Nothing says which.
    return `a land${elsewhere} (${pid}, boot ${holder.bootId}) is starting this stack, or died while starting: its pid cannot be checked from this namespace; if no land runs there, remove ${displayPath(pidPath(rootDir))} and start again`;
  }
  return `land is already running this stack${elsewhere} (${pid}, boot ${holder.bootId}); stop it with \`land down\``;
}

const sameRecord = (a: PidRecord | undefined, b: PidRecord | undefined) =>
  a !== undefined && b !== undefined && a.pid === b.pid && a.startTime === b.startTime && a.bootId === b.bootId;

/** Created with its whole content at once, only if nothing is at `file` (link(2) refuses an existing name). */
function createExclusively(file: string, text: string): boolean {
  const temporary = `${file}.${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}.tmp`;
  try {
    // `wx`: created, never written through a link; mode 0600 as every file of land's in that folder.
    writeFileSync(temporary, text, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // A full disk fails the write after the create: nothing is left, and the line names the file (not a bare ENOSPC).
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') removeFile(temporary);
    throw new Error(`${displayPath(file)}: cannot write land's pid file: ${reason(error)}`);
  }
  try {
    linkSync(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    removeFile(temporary);
  }
}

/**
 * A dead land's record moved aside, atomically: if it was replaced by a live claim meanwhile (another land took it
 * over first), that claim is put back. Whether the dead one was removed.
 */
function removeDead(file: string, dead: PidRecord | undefined): boolean {
  const aside = `${file}.${process.pid}.dead.tmp`;
  try {
    renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  const moved = readPidFile(aside);
  const wasDead = moved === undefined || sameRecord(moved, dead);
  if (!wasDead) {
    try {
      linkSync(aside, file);
    } catch {
      // A third land claimed meanwhile: it holds the folder.
    }
  }
  removeFile(aside);
  return wasDead;
}

/**
 * The land of `current` when it must be taken as running: by its pid in this namespace; from another, when its socket
 * answers, or while it says it is booting (its socket not bound yet: nothing here can tell it from one that died).
 * Any record whose socket answers too: its tiers are not reaped (a stale record beside a live stack).
 */
async function holderOf(rootDir: string, current: PidRecord | undefined): Promise<PidRecord | undefined> {
  if (!current) return undefined;
  const live = liveLand(current);
  if (live) return live;
  if (inOtherNamespace(current) && current.booting) return current;
  return (await probeSocket(socketPath(rootDir))) === 'live' ? current : undefined;
}

/**
 * Claims the folder for this land (pid file with `booting`). `handoverFrom`: the pid of the `land up -d` that
 * started this land, whose claim it takes over; `handsOver`: this is such a `land up -d`. Throws ClaimRefused while a
 * live land holds it.
 */
export async function claimStack(rootDir: string, bootId: string, handoverFrom?: number, handsOver = false): Promise<Claim> {
  const file = pidPath(rootDir);
  const record: PidRecord = { ...ownIdentity(), bootId, booting: true };
  if (handsOver) record.handsOver = true;
  const text = `${JSON.stringify(record)}\n`;
  let dead: PidRecord | undefined;
  let reaped = 0;
  for (let attempt = 0; attempt < 20; attempt++) {
    if (createExclusively(file, text)) return { dead, reaped };
    const current = readPidRecord(rootDir);
    const live = await holderOf(rootDir, current);
    // The parent `land up -d`: always of this namespace (its pid checked by liveLand).
    if (live && live.pid === handoverFrom && liveLand(live)) {
      writePrivateFile(file, text);
      return { dead, reaped };
    }
    if (live) throw new ClaimRefused(live, rootDir);
    if (current && !sameRecord(current, dead)) {
      dead = current;
      reaped += reapBoot(current.bootId).length;
    }
    removeDead(file, current);
  }
  throw new Error(`could not claim ${file}: it kept changing`);
}
