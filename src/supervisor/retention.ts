/**
 * Old boots do not fill the disk: `.land/logs/<boot>` and `.land/telemetry/<boot>` (the recording, and whatever else
 * a boot stores there, such as the OTLP receiver's data) are kept for the last `keepBoots` boots and removed as whole
 * folders beyond that. Only folders named like a boot id are touched; boot ids sort by time.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** `20261205T153453591Z-50465d` (src/telemetry/ids.ts). */
export const BOOT_ID = /^\d{8}T\d{9}Z-[0-9a-f]+$/;

/** The folders under .land that hold one folder per boot. */
export const PER_BOOT_FOLDERS = ['logs', 'telemetry'] as const;

/**
 * Before a new boot starts: removes all but the newest `keepBoots - 1` boots of each folder (the new boot makes
 * `keepBoots`), never `current`. Returns the paths removed. A folder that cannot be read or removed is left alone:
 * retention must never stop a boot.
 */
export function pruneBoots(rootDir: string, keepBoots: number, current?: string): string[] {
  const removed: string[] = [];
  for (const folder of PER_BOOT_FOLDERS) {
    const dir = join(rootDir, '.land', folder);
    let boots: string[];
    try {
      boots = readdirSync(dir).filter((name) => BOOT_ID.test(name) && name !== current);
    } catch {
      continue;
    }
    boots.sort();
    for (const boot of boots.slice(0, Math.max(0, boots.length - (keepBoots - 1)))) {
      try {
        rmSync(join(dir, boot), { recursive: true, force: true });
        removed.push(join(dir, boot));
      } catch {
        // Someone else's file, a busy mount: the next boot tries again.
      }
    }
  }
  return removed;
}

/** What pruning after the first spawn listens to (the supervisor's events). */
interface BootEvents {
  subscribe(listener: (event: { type: string }) => void): () => void;
}

/** How long pruning waits for a first spawn (a stack whose tiers are all gated off or wait on one another). */
const PRUNE_AT_THE_LATEST_MS = 1500;

/**
 * pruneBoots once this boot's first child has been spawned (or at its shutdown, or PRUNE_AT_THE_LATEST_MS after
 * this call, whichever comes first), not before: removing old boots' folders (node's recursive rm, loaded for it)
 * does not delay the children's start, and the disk still holds at most one boot more than `keepBoots` meanwhile.
 */
export function pruneBootsAfterFirstSpawn(events: BootEvents, rootDir: string, keepBoots: number, current: string): void {
  let done = false;
  const prune = () => {
    if (done) return;
    done = true;
    unsubscribe();
    clearTimeout(latest);
    pruneBoots(rootDir, keepBoots, current);
  };
  const unsubscribe = events.subscribe((event) => {
    // After the spawn's own listeners (the printer, telemetry), not inside its emit.
    if (event.type === 'spawn') setImmediate(prune);
    else if (event.type === 'shutdown') prune();
  });
  const latest = setTimeout(prune, PRUNE_AT_THE_LATEST_MS).unref();
}
