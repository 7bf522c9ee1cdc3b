/**
 * The order files start in: the longest first, so that the run does not end on one of them while the other worker is
 * idle. vitest's own order needs the durations of an earlier run, which a fresh clone (CI) has not; without them it
 * starts the largest files first, and some of the longest are small files that wait (an idle stack, a compiler run).
 * The list is from a CI run of the suite (docs/decisions.md, "The test suite's time, third pass", sixteenth wave);
 * a file it misses, or one that got faster, changes only the order.
 * After these, vitest's order, the files that share a worker first.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const LONGEST_FIRST = [
  // Every file over 12 s in CI at the fifteenth wave's end (vitest 335 s, four workers), by that time, but the files
  // the sixteenth wave made faster, by their new time (estimated from their tests run side by side). The first four
  // start together: two that use a core (the consumer's npm and tsc, stack-logs' floods), two that mostly wait.
  'test/cli/consumer.test.ts',
  'test/faults/denied-signals.test.ts',
  'test/cli/stack-logs.test.ts',
  'test/supervisor/daemon-tier.test.ts',
  'test/devloop/scale-races.test.ts',
  'test/faults/clients-files.test.ts',
  'test/cli/background.test.ts',
  'test/faults/escaped-descendants.test.ts',
  'test/tui/tmux.test.ts',
  'test/faults/bounded-output.test.ts',
  'test/supervisor/memory-limit.test.ts',
  'test/devloop/reload.test.ts',
  'test/control/attach.test.ts',
  'test/control/drain.test.ts',
  'test/telemetry/boot.test.ts',
  'test/cli/code-cache.test.ts',
  'test/faults/land-claim.test.ts',
  'test/faults/parent-gone.test.ts',
  'test/usage/tree-usage.test.ts',
  'test/cli/exit-with.test.ts',
  'test/devloop/schedule-seams.test.ts',
  'test/dashboard/serving.test.ts',
  'test/cli/stdout-gone.test.ts',
  'test/cli/recorded-logs.test.ts',
  'test/devloop/replicas.test.ts',
  'test/cli/idle-stack.test.ts',
  'test/cli/procfile.test.ts',
  'test/runtime/heartbeat.test.ts',
  'test/devloop/apply.test.ts',
  'test/supervisor/partial-lines.test.ts',
  // Long in earlier runs, under 12 s in that one: before the rest all the same.
  'test/tui/app-input-robust.test.tsx',
  'test/tui/live-frames.test.tsx',
  'test/devloop/watch.test.ts',
  'test/control/clients.test.ts',
  'test/cli/run.test.ts',
  'test/faults/sinks.test.ts',
  'test/faults/bad-input.test.ts',
  'test/telemetry/mountain.test.ts',
  'test/tui/app-render.test.tsx',
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
