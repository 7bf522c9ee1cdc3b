/**
 * The order files start in: the longest first, so that the run does not end on one of them while the other worker is
 * idle. vitest's own order needs the durations of an earlier run, which a fresh clone (CI) has not; without them it
 * starts the largest files first, and some of the longest are small files that wait (an idle stack, a compiler run).
 * The list is from CI's per-file times (docs/decisions.md, "The test suite's time, fifth pass", twentieth wave); a
 * file it misses, or one that got faster, changes only the order.
 * After these, vitest's order, the files that share a worker first.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const LONGEST_FIRST = [
  // First, the isolated files over ~6 s. vitest hands a worker of the shared files the next file only when that file
  // is a shared one too (else it ends the worker, and a later shared file starts another, importing everything again):
  // among the shared ones, each of these ended one. Here they take fresh processes of their own anyway.
  'test/telemetry/mountain.test.ts',
  'test/tui/live-frames.test.tsx',
  'test/telemetry/boot.test.ts',
  'test/telemetry/child.test.ts',
  'test/runtime/optimizer.test.ts',
  'test/runtime/heartbeat.test.ts',
  'test/cli/init.test.ts',
  'test/telemetry/pipes.test.ts',
  'test/cli/profiles.test.ts',
  'test/tui/run-tui.test.tsx',
  // Then every shared file over ~9 s in CI's run of 318145e8 (vitest 274 s, four workers), by that time, but the
  // files the twentieth wave made faster, by their new time (estimated from their runs here). The first four start
  // as the isolated ones end: two that use a core (the consumer's npm and tsc, stack-logs' floods), two that mostly
  // wait (daemon-tier's stops one after another, scale-races' rounds).
  'test/cli/consumer.test.ts',
  'test/supervisor/daemon-tier.test.ts',
  'test/cli/stack-logs.test.ts',
  'test/devloop/scale-races.test.ts',
  'test/tui/app-input-robust.test.tsx',
  'test/dashboard/trace-detail.test.ts',
  'test/faults/land-claim.test.ts',
  'test/faults/denied-signals.test.ts',
  'test/cli/check.test.ts',
  'test/control/drain.test.ts',
  'test/devloop/reload.test.ts',
  'test/devloop/watch-config.test.ts',
  'test/faults/bounded-output.test.ts',
  'test/cli/procfile.test.ts',
  'test/faults/clients-files.test.ts',
  'test/cli/idle-stack.test.ts',
  'test/faults/tier-commands.test.ts',
  'test/dashboard/aspire-views.test.ts',
  'test/usage/tree-usage.test.ts',
  'test/tui/app-render.test.tsx',
  'test/control/attach.test.ts',
  'test/dashboard/command-masking.test.ts',
  'test/cli/code-cache.test.ts',
  'test/cli/run.test.ts',
  'test/cli/exit-with.test.ts',
  'test/control/clients.test.ts',
  'test/dashboard/logs-traces.test.ts',
  'test/control/attach-older-land.test.ts',
  'test/devloop/replicas.test.ts',
  'test/devloop/schedule-seams.test.ts',
  'test/receiver/stack.test.ts',
  'test/supervisor/memory-limit.test.ts',
  'test/devloop/start.test.ts',
  'test/tui/tmux.test.ts',
  'test/faults/telemetry-hosts.test.ts',
  // Under 9 s in that run: before the rest all the same.
  'test/dashboard/browser.test.ts',
  'test/devloop/watch.test.ts',
  'test/supervisor/lifecycle.test.ts',
  'test/devloop/apply-running.test.ts',
  'test/cli/recorded-logs.test.ts',
  'test/cli/background.test.ts',
  'test/cli/startup.test.ts',
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
