/** Build once before any test: the CLI tests run `bin/land.js`, which runs the bundle in dist/cli (npm run build). */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export default function setup(): void {
  const root = resolve(import.meta.dirname, '..');
  const run = (...args: string[]) => execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  run(join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json'));
  run(join(root, 'scripts', 'bundle.mjs'));
}
