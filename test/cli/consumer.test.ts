/**
 * land as another project sees it: the packed tarball (npm pack) installed into a fresh project, its types checked by
 * a strict consumer (skipLibCheck: false), and `npx land up` booting (and compiling) a TypeScript config there.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, child, markedProcesses } from '../helpers/land.js';

const folders: string[] = [];
afterAll(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * npm's install writes ~11 000 files (es-toolkit alone 4 300): on a tmpfs that took a third of the system time it took
 * on this machine's disk, and 4–6 s less (docs/decisions.md, seventeenth wave). So /dev/shm when it is a tmpfs that
 * lets the installed esbuild binary run (not noexec, as Docker mounts it) and has room (Docker's is 64 MB); the
 * usual temp folder otherwise.
 */
const SCRATCH = (() => {
  try {
    const shm = readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((line) => line.split(' '))
      .find((fields) => fields[1] === '/dev/shm' && fields[2] === 'tmpfs');
    const { bavail, bsize } = statfsSync('/dev/shm');
    accessSync('/dev/shm', constants.W_OK);
    if (shm && !shm[3]!.split(',').includes('noexec') && bavail * bsize > 1024 ** 3) return '/dev/shm';
  } catch {
    // no /proc or no /dev/shm: the usual temp folder
  }
  return tmpdir();
})();

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(SCRATCH, prefix));
  folders.push(dir);
  return dir;
}

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } });
}

const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const STRICT_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    skipLibCheck: false,
    noEmit: true,
  },
  include: ['*.ts'],
};

let tarball: string;
let files: string[];
let project: string;
let installOutput: string;

beforeAll(() => {
  // dist/ was built by test/global-setup.ts; --ignore-scripts: prepack would rebuild it under the tests running meanwhile.
  const packed = tempDir('land-pack-');
  const name = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', packed], ROOT)) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(packed, name[0]!.filename);
  files = name[0]!.files.map((file) => file.path);

  project = tempDir('land-consumer-');
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { land: `file:${tarball}` } }));
  // Capture everything npm says: stderr as well (2>&1 through a shell).
  installOutput = execFileSync('sh', ['-c', 'npm install --prefer-offline --no-audit --no-fund 2>&1'], {
    cwd: project,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(STRICT_TSCONFIG));
  writeFileSync(
    join(project, 'land.config.ts'),
    [
      "import { defineConfig, type TierConfig, type SupervisorEvent } from 'land';",
      `const web: TierConfig = { command: ${JSON.stringify(child('--say', 'web up'))}, ready: { log: 'web up' }, stop: { signal: 'SIGINT', timeoutMs: 2000 } };`,
      'export const onEvent = (event: SupervisorEvent): string => event.type;',
      "export default defineConfig({ app: 'consumer', tiers: { web } });",
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(project, 'sidecar.ts'),
    [
      "import { captureEvent, initialize, shutdown, withSpan } from 'land/telemetry';",
      "initialize('web');",
      "await withSpan('web.start', async () => captureEvent('land:web:listening', { port: 1 }));",
      'await shutdown();',
      '',
    ].join('\n'),
  );
}, 240_000);

// The compiler run (the longest test, one core) and the boot of the same config run side by side.
describe('the packed package', () => {
  it('is lean: a LICENSE, the README, the CLI bundle and the library; no source maps, no demo sidecars, no sources', () => {
    expect(files).toContain('LICENSE');
    expect(files).toContain('README.md');
    expect(files).toContain('bin/land.js');
    expect(files).toContain('dist/cli/main.js');
    // The code cache's loader and the manifest saying the bundle is CommonJS (src/startup/code-cache.ts).
    expect(files).toContain('dist/cli/code-cache.cjs');
    expect(files).toContain('dist/cli/package.json');
    expect(files).toContain('dist/src/index.d.ts');
    expect(files).toContain('dist/src/telemetry/index.d.ts');
    expect(files.filter((file) => file.endsWith('.map'))).toEqual([]);
    expect(files.filter((file) => /^(dist\/sidecars|src|test|sidecars)\//.test(file))).toEqual([]);
    expect(files.filter((file) => file.startsWith('dist/src/') && /\/(cli|tui|control)\//.test(file))).toEqual([]);
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} the land authors\n/);
    // The README says "about 0.9 MB packed" (the nineteenth wave: gRPC, completion, per-tier env files): keep it near that;
    // a source map or a sidecar slipping in would add far more.
    expect(statSync(tarball).size).toBeLessThan(960 * 1024);
  });

  it('installs without a warning, and brings the types it needs', () => {
    expect(installOutput).toMatch(/added \d+ packages?/);
    expect(installOutput).not.toMatch(/warn|deprecated|install-scripts|prepare/i);
    expect(JSON.parse(readFileSync(join(project, 'node_modules', '@types', 'node', 'package.json'), 'utf8')).name).toBe('@types/node');
  });

  it.concurrent('type-checks a config and a sidecar in a strict consumer with skipLibCheck: false, and rejects a wrong one', { timeout: 400_000 }, async () => {
    // One compiler run (the whole check of every library's declarations is what costs): a wrong config beside the
    // good files, and its errors must be the only ones, so the config, the sidecar and the declarations check clean.
    writeFileSync(join(project, 'wrong.ts'), "import { defineConfig } from 'land';\nexport default defineConfig({ tiers: { web: { command: ['x'], ready: { tcp: 'abc' } } } });\n");
    // Not execFileSync: the boot beside it needs this process's event loop.
    const output = await new Promise<string>((resolve) => {
      execFile(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => resolve(error ? stdout : ''));
    });
    expect(output).toMatch(/^wrong\.ts\(2,\d+\): error TS2322/m);
    const errors = output.split('\n').filter((line) => /error TS\d+/.test(line));
    expect(errors.filter((line) => !line.startsWith('wrong.ts(')), output).toEqual([]);
    rmSync(join(project, 'wrong.ts'));
  });

  it.concurrent('boots that TypeScript config with npx land up', { timeout: 180_000 }, async () => {
    const proc = spawn('npx', ['--no-install', 'land', 'up', '--no-tui'], {
      cwd: project,
      env: { ...process.env, NO_COLOR: '1' },
      detached: true, // its own process group, like a shell job: Ctrl-C reaches npx and land together
    });
    let out = '';
    proc.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
    proc.stderr.setEncoding('utf8').on('data', (text: string) => (out += text));
    const exited = new Promise<number | null>((done) => proc.once('close', (code) => done(code)));
    const deadline = Date.now() + 30_000;
    while (!/web: starting → ready \(log web up passed\)/.test(out)) {
      if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`consumer stack did not come up:\n${out}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const bootId = /boot (\S+) ·/.exec(out)![1]!;
    // npx runs land as a child: signal land itself, as a terminal's Ctrl-C would reach the whole group.
    process.kill(-proc.pid!, 'SIGINT');
    await exited; // npx itself may die of the SIGINT; land's own shutdown is what counts
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(out).toMatch(/web: ready → stopping \(shutting down\)/);
    expect(out).toMatch(/every tier stopped/);
    expect(markedProcesses(bootId)).toEqual([]);
    // Compiled by the esbuild inside the installed package (its platform binary, no install script), and cached.
    const manifest = JSON.parse(readFileSync(join(project, '.land', 'cache', 'config', 'land.config.ts.json'), 'utf8')) as { aliases: { land: string } };
    expect(manifest.aliases.land).toBe(join(project, 'node_modules', 'land', 'dist', 'src', 'index.js'));
  });
});
