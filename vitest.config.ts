import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { defineConfig } from 'vitest/config';
import { ISOLATED } from './test/isolated.js';
import { LongestFirst } from './test/sequencer.js';
// @ts-expect-error: a plain script (the bundle uses it too), no declarations
import { inkOverride } from './scripts/ink-overrides.mjs';

export default defineConfig({
  // The UI under test runs land's versions of some of ink's modules, as the bundle does: ink is inlined (run through
  // vite) so that its own imports can be redirected.
  plugins: [
    {
      name: 'ink-overrides',
      enforce: 'pre',
      resolveId(source: string, importer: string | undefined) {
        return importer ? (inkOverride(source, dirname(importer)) as string | undefined) : undefined;
      },
      // ink ships source maps without their sources: vite would warn about every file it inlines.
      load(id: string) {
        if (!/[/\\]node_modules[/\\]ink(-testing-library)?[/\\].*\.js$/.test(id)) return undefined;
        return { code: readFileSync(id, 'utf8').replace(/^\/\/# sourceMappingURL=.*$/m, ''), map: null };
      },
    },
  ],
  test: {
    server: { deps: { inline: ['ink'] } },
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup.ts'],
    // ink renders only a last frame when it sees CI=true; component tests read live frames. (land itself loads the
    // UI with CI neutralised: see src/tui/load.ts, and the tmux test runs land with CI=true to prove it.)
    env: { CI: '0', CONTINUOUS_INTEGRATION: '0' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Integration tests spawn real process trees and mostly wait on them (children, timers, sockets): with two files
    // at a time the run used well under two cores; three took ~22 % less time for the same CPU time on this 2-core
    // machine (docs/decisions.md, "The test suite's time"); a fourth took less again (fourteenth wave).
    maxWorkers: 4,
    fileParallelism: true,
    sequence: { sequencer: LongestFirst },
    // Most files share a worker with the files before it; those that need a fresh process are listed in
    // test/isolated.ts (why, there).
    projects: [
      { extends: true, test: { name: 'isolated', include: ISOLATED } },
      { extends: true, test: { name: 'shared', include: ['test/**/*.test.ts', 'test/**/*.test.tsx'], exclude: ISOLATED, isolate: false } },
    ],
  },
});
