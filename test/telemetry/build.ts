/**
 * Compile the telemetry library (and only what it imports) into dist/, for child processes that import the build.
 * A temporary tsconfig outside the repo keeps other folders' in-progress files out of this build.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TELEMETRY_BUILD = join(REPO, 'dist', 'src', 'telemetry', 'index.js');
export const FIXTURES = join(REPO, 'test', 'telemetry', 'fixtures');

export function buildTelemetry(): void {
  const dir = mkdtempSync(join(tmpdir(), 'land-telemetry-build-'));
  try {
    const tsconfig = join(dir, 'tsconfig.json');
    writeFileSync(
      tsconfig,
      JSON.stringify({
        extends: join(REPO, 'tsconfig.base.json'),
        compilerOptions: {
          rootDir: REPO,
          outDir: join(REPO, 'dist'),
          declaration: true,
          sourceMap: true,
          typeRoots: [join(REPO, 'node_modules', '@types')],
        },
        files: [join(REPO, 'src', 'telemetry', 'index.ts')],
      }),
    );
    execFileSync(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', tsconfig], {
      cwd: REPO,
      stdio: 'pipe',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
