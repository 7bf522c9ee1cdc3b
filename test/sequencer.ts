/**
 * The order files start in: the longest first, so that the run does not end on one of them while the other worker is
 * idle. vitest's own order needs the durations of an earlier run, which a fresh clone (CI) has not; without them it
 * starts the largest files first, and some of the longest are small files that wait (an idle stack, a compiler run).
 * The list is from a run of the suite (docs/decisions.md, "The test suite's time", twelfth wave: the files made
 * faster there by their measured time alone), with the long files that ran late in the fourteenth wave's CI (land-claim,
 * stdout-gone, app-input-robust, drain, code-cache, procfile: 19–46 s each, ending as late as 118th of 155) put by
 * their time; a file it misses, or one that got faster, changes only the order.
 * After these, vitest's order, the files that share a worker first.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const LONGEST_FIRST = [
  'test/cli/stack-logs.test.ts',
  'test/cli/consumer.test.ts',
  'test/faults/denied-signals.test.ts',
  'test/faults/land-claim.test.ts',
  'test/devloop/scale-races.test.ts',
  'test/cli/stdout-gone.test.ts',
  'test/tui/app-input-robust.test.tsx',
  'test/control/drain.test.ts',
  'test/faults/clients-files.test.ts',
  'test/supervisor/daemon-tier.test.ts',
  'test/cli/exit-with.test.ts',
  'test/tui/live-frames.test.tsx',
  'test/devloop/watch.test.ts',
  'test/devloop/reload.test.ts',
  'test/faults/escaped-descendants.test.ts',
  'test/faults/bounded-output.test.ts',
  'test/cli/code-cache.test.ts',
  'test/cli/procfile.test.ts',
  'test/control/clients.test.ts',
  'test/cli/run.test.ts',
  'test/cli/idle-stack.test.ts',
  'test/runtime/heartbeat.test.ts',
  'test/faults/sinks.test.ts',
  'test/tui/tmux.test.ts',
  'test/faults/bad-input.test.ts',
  'test/telemetry/mountain.test.ts',
  'test/faults/parent-gone.test.ts',
  'test/tui/app-render.test.tsx',
  'test/supervisor/memory-limit.test.ts',
  'test/usage/tree-usage.test.ts',
  'test/cli/background.test.ts',
  'test/telemetry/boot.test.ts',
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
