import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup.ts'],
    // ink renders only a last frame when it sees CI=true; component tests read live frames. (land itself loads the
    // UI with CI neutralised: see src/tui/load.ts, and the tmux test runs land with CI=true to prove it.)
    env: { CI: '0', CONTINUOUS_INTEGRATION: '0' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Integration tests spawn real process trees; two at a time keeps a 2-core machine honest.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
