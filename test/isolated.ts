/**
 * The test files that need a fresh process of their own (vitest's `isolate`, the default). Every other file runs in a
 * worker shared with the files before it (`isolate: false`): a fresh process per file cost ~0.7 s of CPU each, about
 * 85 s of the suite's ~400 s (docs/decisions.md, "The test suite's time", thirteenth wave).
 *
 * A shared worker keeps the modules that files import (src/ and the helpers) and the process (env, listeners, timers)
 * from one file to the next; each test file itself and test/setup.ts still run anew. So a file is here when it:
 * - mocks modules or fakes timers (vi.mock, vi.useFakeTimers);
 * - changes the process: env variables, process listeners, globals;
 * - proves something about a fresh module (what is loaded lazily, the first import, a module's own timer);
 * - imports in-process (directly or through what it imports) a src/ module whose module-level state lives on:
 *   config/plan.ts and config/load.ts (the secrets they register mask every later message), telemetry's
 *   configuration, recorders and client, the optimizer and V8 flags, probes' count, the TypeScript loader's count,
 *   the terminal UI's process listeners (run-tui, use-live-cells), and the CLI's own modules.
 * A file that spawns the built CLI only, or imports stateless modules, shares. A new file with any of the above
 * belongs here; when in doubt, list it (it only costs its process).
 */
export const ISOLATED = [
  // Mocks and fake timers.
  'test/cli/attachment-noproc.test.ts',
  'test/cli/output-batch.test.ts',
  'test/supervisor/retention.test.ts',
  'test/supervisor/tree-after-exit.test.ts',
  'test/tui/log-buffer.test.ts',
  // Env, process listeners, globals; a module's first use or own timer.
  'test/config/typescript-cache.test.ts',
  'test/config/schema-lazy.test.ts',
  'test/config/redact.test.ts',
  'test/runtime/heartbeat.test.ts',
  'test/runtime/optimizer.test.ts',
  'test/telemetry/**/*.test.ts',
  // In-process modules with state (see above).
  'test/cli/demo.test.ts',
  'test/cli/init.test.ts',
  'test/cli/profiles.test.ts',
  'test/config/hydrate.test.ts',
  'test/config/load.test.ts',
  'test/config/plan.test.ts',
  'test/control/remote-control.test.tsx',
  'test/control/server-close.test.ts',
  'test/control/socket.test.ts',
  'test/dashboard/parts.test.ts',
  'test/dashboard/tier-detail.test.ts',
  'test/export/demo.test.ts',
  'test/export/memory-floor.test.ts',
  'test/export/names.test.ts',
  'test/export/write.test.ts',
  'test/receiver/frames.test.ts',
  'test/receiver/receiver.test.ts',
  'test/tui/live-frames.test.tsx',
  'test/tui/run-tui.test.tsx',
];
