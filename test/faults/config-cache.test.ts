/**
 * A land.config.ts is compiled once into .land/cache/config and imported from there while it and every local file
 * it imports keep their contents (src/config/typescript/). Through the real CLI: an edit is seen by the next
 * command, a broken file is one line naming it, and a cache land may not use (another user's folder, a project it
 * cannot write) only costs the speed: the config still loads.
 */
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { expectCleanRejection, isAlive, LandRun, landDone, makeProject, removeProjects, ROOT } from '../helpers/land.js';
import { cleanUp } from '../control/helpers.js';
import { upUntil } from './support.js';
import { letOthersTraverse } from '../helpers/traverse.js';

const runs: LandRun[] = [];
afterEach(() => cleanUp(runs));
afterAll(removeProjects);

const run = promisify(execFile);
const NOBODY = 65534;
const cacheDir = (dir: string) => join(dir, '.land', 'cache', 'config');

/** A project whose land.config.ts takes its one tier's name from lib/names.ts. */
function tsProject(tier: string): string {
  const dir = makeProject({ config: { tiers: {} } });
  writeHelper(dir, tier);
  writeFileSync(
    join(dir, 'land.config.ts'),
    `import { defineConfig, type TierConfig } from 'land';
     import { tier } from './lib/names';
     const sleeper = (name: string): TierConfig => ({ command: ['sh', '-c', 'echo ' + name + ' up; exec sleep 300'], ready: { log: name + ' up' } });
     export default defineConfig({ tiers: { [tier]: sleeper(tier) } });\n`,
  );
  return dir;
}

function writeHelper(dir: string, tier: string): void {
  mkdirSync(join(dir, 'lib'), { recursive: true });
  writeFileSync(join(dir, 'lib', 'names.ts'), `export const tier: string = ${JSON.stringify(tier)};\n`);
}

async function tiersOf(dir: string): Promise<string[]> {
  const result = await landDone(['profiles', '--json'], dir);
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { profiles: Array<{ starts: string[] }> }).profiles[0]!.starts;
}

describe('fault: a land.config.ts compiled and cached in .land/cache/config', () => {
  it('an edit of the config, then of a helper it imports, is seen by the next land profiles and land up', async () => {
    const dir = tsProject('alpha');
    expect(await tiersOf(dir)).toEqual(['alpha']);
    expect(readdirSync(cacheDir(dir)).filter((name) => name.endsWith('.mjs'))).toHaveLength(1);
    writeHelper(dir, 'beta');
    expect(await tiersOf(dir)).toEqual(['beta']);
    // The tier says whether the ESBUILD_BINARY_PATH land set to compile this very start reached it (it must not).
    const tier = { command: ['sh', '-c', 'echo "edited up, esbuild path ${ESBUILD_BINARY_PATH:-unset}"; exec sleep 300'], ready: { log: 'edited up' } };
    writeFileSync(join(dir, 'land.config.ts'), `import { tier } from './lib/names';\nexport default { tiers: { [tier + '-edited']: ${JSON.stringify(tier)} } };\n`);
    writeHelper(dir, 'gamma');
    const run = await upUntil(runs, dir, /edited up/);
    expect(run.stdout).toContain('gamma-edited');
    expect(run.stdout).toContain('edited up, esbuild path unset');
  });

  it('a syntax error in land.config.ts, or in a helper it imports: one line naming the file and position, exit 2, nothing cached', async () => {
    const dir = tsProject('alpha');
    writeFileSync(join(dir, 'land.config.ts'), `const port: number = ;\nexport default { tiers: {} };\n`);
    expectCleanRejection(await landDone(['up', '--no-tui'], dir), dir, /^land: land\.config\.ts: failed to load: .*\/land\.config\.ts:1:\d+$/);
    writeFileSync(join(dir, 'land.config.ts'), `import { tier } from './lib/names';\nexport default { tiers: { [tier]: { command: ['true'] } } };\n`);
    writeFileSync(join(dir, 'lib', 'names.ts'), `export const tier: string = 'x';\nexport const broken = {;\n`);
    expectCleanRejection(await landDone(['up', '--no-tui'], dir), dir, /^land: land\.config\.ts: failed to load: .*\/lib\/names\.ts:2:\d+$/);
    expect(existsSync(cacheDir(dir)) ? readdirSync(cacheDir(dir)) : []).toEqual([]);
  });

  it('the cache folder belongs to another user: land up still boots from the config, the folder is left as it was', async () => {
    const dir = tsProject('alpha');
    mkdirSync(cacheDir(dir), { recursive: true, mode: 0o700 });
    chownSync(cacheDir(dir), NOBODY, NOBODY);
    await upUntil(runs, dir, /alpha up/);
    expect(readdirSync(cacheDir(dir))).toEqual([]);
    expect(statSync(cacheDir(dir)).uid).toBe(NOBODY);
  });

  it('land may not write the project folder (it runs as nobody): land profiles still loads the config', async () => {
    const dir = tsProject('alpha');
    for (const path of [dir, join(dir, 'lib'), join(dir, 'profiles')]) chmodSync(path, 0o755);
    // nobody must reach land itself and the project: a checkout or temp folder under a 0700 folder keeps it out.
    const restore = [letOthersTraverse(ROOT), letOthersTraverse(dir)];
    onTestFinished(() => restore.forEach((undo) => undo()));
    const run = new LandRun(['profiles', '--json'], {
      cwd: dir,
      env: { HOME: dir },
      launcher: ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'],
    });
    const exit = await run.exited;
    expect(exit.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as { profiles: Array<{ starts: string[] }> }).profiles[0]!.starts).toEqual(['alpha']);
    expect(existsSync(join(dir, '.land'))).toBe(false);
  });

  it('an esbuild that never answers: the config loads through jiti, nothing is cached, and the esbuild started is ended', async () => {
    const dir = tsProject('alpha');
    // A service that starts and says nothing: what a compile waiting on a service gone wrong sees.
    const stub = join(dir, 'silent-esbuild');
    writeFileSync(stub, `#!/bin/sh\necho $$ > ${JSON.stringify(join(dir, 'esbuild.pid'))}\nexec sleep 300\n`, { mode: 0o755 });
    // The TypeScript loader alone, in a process of its own (esbuild reads ESBUILD_BINARY_PATH once, as it loads): the
    // compile's bound (half the load's, 1 s here) is what is tested, not the whole load's, nor jiti's speed.
    const loader = pathToFileURL(join(ROOT, 'dist', 'src', 'config', 'typescript', 'load-typescript.js')).href;
    const script = `const { importTypeScriptConfig } = await import(${JSON.stringify(loader)});
      const config = await importTypeScriptConfig(${JSON.stringify(join(dir, 'land.config.ts'))});
      console.log(JSON.stringify(Object.keys(config.tiers)));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: dir,
      env: { ...process.env, ESBUILD_BINARY_PATH: stub, LAND_CONFIG_TIMEOUT_MS: '2000' },
      timeout: 60_000,
    });
    expect(JSON.parse(stdout)).toEqual(['alpha']);
    expect(existsSync(cacheDir(dir)) ? readdirSync(cacheDir(dir)) : []).toEqual([]);
    expect(isAlive(Number(readFileSync(join(dir, 'esbuild.pid'), 'utf8')))).toBe(false);
  });
});
