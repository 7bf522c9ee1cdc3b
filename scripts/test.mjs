// `npm test`: the type checks and the build at once, then the suite (arguments go to `vitest run`).
// Why at once: each compiler run is mostly one thread, and one after another they left the second core idle for half
// a minute before the first test. The suite is told the build is fresh; test/global-setup.ts builds otherwise (as a
// plain `npx vitest run <file>` needs).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

/** Runs node with `args` in the project, its output kept until it ends (so that the steps do not interleave). */
function node(args) {
  return new Promise((done) => {
    const proc = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout.setEncoding('utf8').on('data', (text) => (output += text));
    proc.stderr.setEncoding('utf8').on('data', (text) => (output += text));
    proc.once('error', (error) => done({ code: 1, output: `${output}${error.message}\n` }));
    proc.once('close', (code, signal) => done({ code: code ?? (signal ? 1 : 0), output }));
  });
}

async function step(name, ...commands) {
  for (const args of commands) {
    const { code, output } = await node(args);
    process.stdout.write(output);
    if (code !== 0) {
      process.stderr.write(`npm test: ${name} failed (exit ${code})\n`);
      return code;
    }
  }
  return 0;
}

const codes = await Promise.all([
  step('typecheck', [tsc, '-p', 'tsconfig.test.json']),
  step('typecheck of the dashboard client', [tsc, '-p', join('src', 'dashboard', 'client', 'tsconfig.json')]),
  step('build', [tsc, '-p', 'tsconfig.json'], [join('scripts', 'bundle.mjs')]),
]);
const failed = codes.find((code) => code !== 0);
if (failed !== undefined) process.exit(failed);

const vitest = spawn(process.execPath, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, LAND_TEST_BUILT: '1' },
});
// Ctrl-C reaches vitest itself (the terminal's whole group): wait for it to stop its workers, and end with its code.
process.on('SIGINT', () => {});
for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => vitest.kill(signal));
vitest.once('close', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : 1)));
