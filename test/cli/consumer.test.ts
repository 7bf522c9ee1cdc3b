import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, child, makeProject, markedProcesses, removeProjects } from '../helpers/land.js';

afterAll(removeProjects);

describe('another project that depends on land', () => {
  it('writes land.config.ts with defineConfig from "land" and boots it with npx land up', { timeout: 180_000 }, async () => {
    const dir = makeProject({ config: { tiers: {} } });
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { land: `file:${ROOT}` } }),
    );
    // --ignore-scripts: the linked land is the one global-setup built; its prepare must not rebuild it under the
    // tests that run meanwhile.
    execFileSync('npm', ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'pipe' });
    execFileSync('rm', ['land.config.mjs'], { cwd: dir });
    writeFileSync(
      join(dir, 'land.config.ts'),
      [
        "import { defineConfig, type TierConfig } from 'land';",
        `const web: TierConfig = { command: ${JSON.stringify(child('--say', 'web up'))}, ready: { log: 'web up' } };`,
        "export default defineConfig({ app: 'consumer', tiers: { web } });",
        '',
      ].join('\n'),
    );
    const { spawn } = await import('node:child_process');
    const proc = spawn('npx', ['--no-install', 'land', 'up', '--no-tui'], {
      cwd: dir,
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
  });
});
