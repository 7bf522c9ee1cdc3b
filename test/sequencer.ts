/**
 * The order files start in: the longest first, so that the run does not end on one of them while the other worker is
 * idle. vitest's own order needs the durations of an earlier run, which a fresh clone (CI) has not; without them it
 * starts the largest files first, and some of the longest are small files that wait (an idle stack, a compiler run).
 * The list is from a quiet run of the suite (docs/decisions.md, "The test suite's time, fourth pass", seventeenth
 * wave); a file it misses, or one that got faster, changes only the order.
 * After these, vitest's order, the files that share a worker first.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const LONGEST_FIRST = [
  // Every file over ~9 s in the quiet run before the seventeenth wave (vitest 254 s, four workers), by that time, but
  // the files the seventeenth wave made faster, by their new time (estimated from their runs here, main's beside).
  // The first four start together: two that use a core (the consumer's npm and tsc, stack-logs' floods), two that
  // mostly wait (daemon-tier's stops one after another, scale-races' rounds).
  'test/cli/consumer.test.ts',
  'test/supervisor/daemon-tier.test.ts',
  'test/cli/stack-logs.test.ts',
  'test/devloop/scale-races.test.ts',
  'test/export/supervisord.test.ts',
  'test/tui/app-input-robust.test.tsx',
  'test/faults/land-claim.test.ts',
  'test/tui/tmux.test.ts',
  'test/tui/live-frames.test.tsx',
  'test/control/drain.test.ts',
  'test/faults/clients-files.test.ts',
  'test/cli/idle-stack.test.ts',
  'test/usage/tree-usage.test.ts',
  'test/control/attach.test.ts',
  'test/tui/app-render.test.tsx',
  'test/cli/exit-with.test.ts',
  'test/telemetry/mountain.test.ts',
  'test/faults/denied-signals.test.ts',
  'test/devloop/reload.test.ts',
  'test/telemetry/boot.test.ts',
  'test/supervisor/memory-limit.test.ts',
  'test/faults/bounded-output.test.ts',
  'test/dashboard/serving.test.ts',
  'test/runtime/heartbeat.test.ts',
  'test/runtime/optimizer.test.ts',
  'test/cli/background.test.ts',
  'test/devloop/schedule-seams.test.ts',
  'test/cli/run.test.ts',
  'test/devloop/watch-config.test.ts',
  'test/devloop/replicas.test.ts',
  // Long in earlier runs, under 9 s in that one: before the rest all the same.
  'test/telemetry/child.test.ts',
  'test/cli/code-cache.test.ts',
  'test/cli/stdout-gone.test.ts',
  'test/cli/procfile.test.ts',
  'test/cli/recorded-logs.test.ts',
  'test/devloop/watch.test.ts',
  'test/faults/bad-input.test.ts',
];

export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const index = LONGEST_FIRST.indexOf(relative(file.project.config.root, file.moduleId).split('\\').join('/'));
      return index === -1 ? LONGEST_FIRST.length : index;
    };
    // After the listed files, the files that share a worker come together, then the isolated ones: a shared worker
    // goes on to the next file only when that file is of its own project (test/isolated.ts).
    const group = (file: TestSpecification) => (file.project.config.isolate === false ? 0 : 1);
    // Array.prototype.sort is stable: the rest keep vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b) || group(a) - group(b));
  }
}
