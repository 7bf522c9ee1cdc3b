/** What the sink and bound faults share: their fixture child, and what a graceful stop leaves behind. */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LAND_BIN, ROOT, isAlive, markedProcesses, waitUntil } from '../helpers/land.js';

export const SINK_CHILD = join(ROOT, 'test', 'fixtures', 'sink-child.mjs');

/** argv for the sink fixture child (test/fixtures/sink-child.mjs). */
export const sinkChild = (...args: Array<string | number>) => ['node', SINK_CHILD, ...args.map(String)];

/** Ready once its SIGTERM handler is in place (with --stopped-dir): a stop before that could not be graceful. */
export const READY = { log: '^ready$' };

/** Tiers that were given their stop signal (SIGTERM) and ran their handler: `--stopped-dir <dir>` children. */
export function stoppedGracefully(dir: string): string[] {
  try {
    return readFileSync(join(dir, 'stopped'), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => line.replace(/ stopped by SIGTERM$/, ''))
      .sort();
  } catch {
    return [];
  }
}

/** The text of a file, or '' while it does not exist. */
export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** A land started by something other than the test (a shell, tmux, npm): found through its pid file. */
export interface Leftover {
  dir: string;
  pid: number;
  bootId: string;
}

/**
 * Waits for the land of `dir` to write its pid file as the stack's land: past its claim (`booting`, held by the
 * `land up` that checks the inputs, the foreground of a `-d` among them) to the record it writes once its control
 * socket listens.
 */
export async function landOf(dir: string, timeoutMs = 30_000): Promise<Leftover> {
  let record: { pid: number; bootId: string; booting?: true } | undefined;
  await waitUntil(
    () => {
      const text = readText(join(dir, '.land', 'run', 'land.pid'));
      record = text === '' ? undefined : (JSON.parse(text) as { pid: number; bootId: string; booting?: true });
      return record !== undefined && record.booting === undefined;
    },
    timeoutMs,
    `a land to start in ${dir}`,
  );
  return { dir, pid: record!.pid, bootId: record!.bootId };
}

/** After a test: `land down` for every such land still running, then SIGKILL for whatever carries its mark. */
export async function downLeftovers(leftovers: Leftover[]): Promise<void> {
  for (const { dir, pid, bootId } of leftovers.splice(0)) {
    if (isAlive(pid)) await promisify(execFile)(process.execPath, [LAND_BIN, 'down'], { cwd: dir, timeout: 20_000 }).catch(() => undefined);
    for (const left of [pid, ...markedProcesses(bootId)]) {
      try {
        if (isAlive(left)) process.kill(left, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
  }
}
