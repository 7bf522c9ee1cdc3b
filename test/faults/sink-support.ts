/** What the sink and bound faults share: their fixture child, and what a graceful stop leaves behind. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/land.js';

export const SINK_CHILD = join(ROOT, 'test', 'fixtures', 'sink-child.mjs');

/** argv for the sink fixture child (test/fixtures/sink-child.mjs). */
export const sinkChild = (...args: Array<string | number>) => ['node', SINK_CHILD, ...args.map(String)];

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
