/** Build once before any test: the CLI tests run `bin/land.js`, which runs the bundle in dist/cli (npm run build). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// vitest runs this once per project (vitest.config.ts: a shared and an isolated one), in the one main process: the
// second time finds the first's work done.
const DONE = Symbol.for('land.test.globalSetup');

export default function setup(): () => void {
  const state = globalThis as { [DONE]?: true };
  if (state[DONE]) return () => undefined;
  state[DONE] = true;
  const root = resolve(import.meta.dirname, '..');
  const run = (...args: string[]) => execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  // `npm test` (scripts/test.mjs) built it already, beside the type checks; the mark goes no further than here.
  if (process.env.LAND_TEST_BUILT !== '1') {
    run(join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json'));
    run(join(root, 'scripts', 'bundle.mjs'));
  }
  delete process.env.LAND_TEST_BUILT;
  // land's code cache (src/startup/code-cache.ts) in a folder of the run's own, not the user's ~/.cache: the lands
  // the tests start (some under V8 flags of their own) write there, and it goes with the run.
  const cache = mkdtempSync(join(tmpdir(), 'land-test-code-cache-'));
  process.env.LAND_CODE_CACHE_DIR = cache;
  return () => rmSync(cache, { recursive: true, force: true });
}
