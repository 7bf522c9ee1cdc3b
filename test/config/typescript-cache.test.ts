/**
 * A TypeScript config compiled once (esbuild) into .land/cache/config and imported natively while the config and
 * every local file it imports keep their contents; jiti when the cache declines (src/config/typescript/).
 */
import { chownSync, chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { displayPath } from '../../src/config/display-path.js';
import { loadConfig } from '../../src/config/load.js';
import { loadError, makeTempProject, type TempProject } from './temp-project.js';

let project: TempProject;
beforeEach(() => {
  project = makeTempProject('land-ts-cache-');
});
afterEach(() => {
  project.remove();
});

const cacheDir = () => path.join(project.dir, '.land', 'cache', 'config');
const manifestFile = () => path.join(cacheDir(), 'land.config.ts.json');
const modules = () => (existsSync(cacheDir()) ? readdirSync(cacheDir()).filter((name) => name.endsWith('.mjs')) : []);
const cachedFiles = () => (existsSync(cacheDir()) ? readdirSync(cacheDir()).sort() : []);

/** A typed config whose app name comes from a local helper (and so whose result shows which helper was loaded). */
function writeStack(app: string, helper = `export const app: string = ${JSON.stringify(app)};`) {
  project.write('lib/names.ts', helper);
  project.write(
    'land.config.ts',
    `import { defineConfig, type TierConfig } from 'land';
     import { app } from './lib/names';
     const job: TierConfig = { command: ['true'] };
     export default defineConfig({ app, tiers: { job } });`,
  );
}

describe('a TypeScript config, compiled once and cached', () => {
  it('is compiled into a private folder on the first load and imported from it while nothing changed', async () => {
    writeStack('first');
    expect((await loadConfig({ cwd: project.dir })).app).toBe('first');
    expect(statSync(cacheDir()).mode & 0o777).toBe(0o700);
    expect(modules()).toHaveLength(1);
    const manifest = JSON.parse(readFileSync(manifestFile(), 'utf8')) as { inputs: Array<[string, string]> };
    expect(manifest.inputs.map(([file]) => file)).toEqual([path.join(project.dir, 'land.config.ts'), path.join(project.dir, 'lib', 'names.ts')]);
    // The config's path is held once: as the first input.
    expect(readFileSync(manifestFile(), 'utf8').split(JSON.stringify(path.join(project.dir, 'land.config.ts'))).length - 1).toBe(1);
    for (const name of cachedFiles()) expect(statSync(path.join(cacheDir(), name)).mode & 0o777).toBe(0o600);

    // A hit reads the entry and writes nothing: the manifest is the same file as before.
    const before = statSync(manifestFile());
    expect((await loadConfig({ cwd: project.dir })).app).toBe('first');
    const after = statSync(manifestFile());
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  it('sees an edit of the config, and of a local file it imports, on the next load', async () => {
    writeStack('first');
    expect((await loadConfig({ cwd: project.dir })).app).toBe('first');
    project.write('land.config.ts', readFileSync(path.join(project.dir, 'land.config.ts'), 'utf8').replace('{ job }', '{ job, other: job }'));
    expect((await loadConfig({ cwd: project.dir })).tiers.map((tier) => tier.name)).toEqual(['job', 'other']);
    project.write('lib/names.ts', `export const app: string = 'second';`);
    expect((await loadConfig({ cwd: project.dir })).app).toBe('second');
    // Back to an earlier content: compiled again, not confused with the stale module.
    project.write('lib/names.ts', `export const app: string = 'first';`);
    expect((await loadConfig({ cwd: project.dir })).app).toBe('first');
  });

  it('keeps one module per config: those no manifest names are removed by the next compile once a minute old', async () => {
    writeStack('first');
    await loadConfig({ cwd: project.dir });
    const [old] = modules();
    writeStack('second');
    await loadConfig({ cwd: project.dir });
    // Younger than a minute: it may be another land's compile between its module and its manifest.
    expect(modules()).toContain(old);
    const past = new Date(Date.now() - 120_000);
    for (const name of cachedFiles()) utimesSync(path.join(cacheDir(), name), past, past);
    writeFileSync(path.join(cacheDir(), 'land.config.ts.json.123-abcd.tmp'), '{');
    utimesSync(path.join(cacheDir(), 'land.config.ts.json.123-abcd.tmp'), past, past);
    writeStack('third');
    expect((await loadConfig({ cwd: project.dir })).app).toBe('third');
    expect(cachedFiles()).toEqual([...modules(), 'land.config.ts.json'].sort());
    expect(modules()).toHaveLength(1);
  });

  it('sees an edit of an imported JSON file, and of a helper two imports deep', async () => {
    project.write('ports.json', '{ "api": 4100 }');
    project.write('lib/deep.ts', `export const suffix: string = '-a';`);
    project.write('lib/names.ts', `import { suffix } from './deep';\nexport const app: string = 'stack' + suffix;`);
    project.write(
      'land.config.ts',
      `import ports from './ports.json';\nimport { app } from './lib/names';\nexport default { app, tiers: { api: { command: ['true'], ready: { tcp: ports.api } } } };`,
    );
    let config = await loadConfig({ cwd: project.dir });
    expect([config.app, config.tiers[0]!.ready]).toEqual(['stack-a', { tcp: 4100, timeoutMs: 30_000 }]);
    project.write('ports.json', '{ "api": 4200 }');
    project.write('lib/deep.ts', `export const suffix: string = '-b';`);
    config = await loadConfig({ cwd: project.dir });
    expect([config.app, config.tiers[0]!.ready]).toEqual(['stack-b', { tcp: 4200, timeoutMs: 30_000 }]);
  });

  it("gives each file its own import.meta.url, __dirname and __filename, and resolves packages and require from the project", async () => {
    project.write('node_modules/stack-names/package.json', JSON.stringify({ name: 'stack-names', version: '1.0.0', main: 'index.cjs', type: 'commonjs' }));
    project.write('node_modules/stack-names/index.cjs', `module.exports = { name: 'from-package' };`);
    project.write('lib/where.ts', `export const where: string[] = [import.meta.url, __dirname, import.meta.dirname];`);
    project.write(
      'land.config.ts',
      `import { where } from './lib/where';
       import names from 'stack-names';
       const required: { name: string } = require('stack-names');
       export default { app: names.name, version: required.name, tiers: { job: { command: ['true'], env: {
         URL: import.meta.url, DIR: __dirname, FILE: __filename, META_FILE: String(import.meta.filename), HELPER: where.join(' '),
       } } } };`,
    );
    for (let load = 0; load < 2; load++) {
      const config = await loadConfig({ cwd: project.dir });
      expect([config.app, config.version]).toEqual(['from-package', 'from-package']);
      const file = path.join(project.dir, 'land.config.ts');
      expect(config.tiers[0]!.env).toEqual({
        URL: pathToFileURL(file).href,
        DIR: project.dir,
        FILE: file,
        META_FILE: file,
        HELPER: [pathToFileURL(path.join(project.dir, 'lib', 'where.ts')).href, path.join(project.dir, 'lib'), path.join(project.dir, 'lib')].join(' '),
      });
    }
    expect(modules()).toHaveLength(1);
  });

  it('evaluates the config again on every load in one process (it may read the environment)', async () => {
    project.write('land.config.ts', `export default { app: process.env.LAND_TEST_APP_NAME ?? 'unset', tiers: { job: { command: ['true'] } } };`);
    try {
      process.env.LAND_TEST_APP_NAME = 'one';
      expect((await loadConfig({ cwd: project.dir })).app).toBe('one');
      process.env.LAND_TEST_APP_NAME = 'two';
      expect((await loadConfig({ cwd: project.dir })).app).toBe('two');
    } finally {
      delete process.env.LAND_TEST_APP_NAME;
    }
  });

  it('names the file and the position of a syntax error, in the config or in a helper, and caches nothing', async () => {
    project.write('land.config.ts', `const port: number = ;\nexport default { tiers: {} };\n`);
    const label = displayPath(path.join(project.dir, 'land.config.ts'));
    expect((await loadError({ cwd: project.dir })).message).toMatch(new RegExp(`^${label}: failed to load: .*land\\.config\\.ts:1:\\d+$`));
    writeStack('x', `export const app: string = 'x'\nexport const broken = {;\n`);
    expect((await loadError({ cwd: project.dir })).message).toMatch(new RegExp(`^${label}: failed to load: .*lib/names\\.ts:2:\\d+$`));
    expect(modules()).toEqual([]);
    // Fixed: compiled and cached from then on.
    writeStack('fixed');
    expect((await loadConfig({ cwd: project.dir })).app).toBe('fixed');
    expect(modules()).toHaveLength(1);
  });

  it('resolves an import without extension to the file jiti would (.js before .ts)', async () => {
    writeStack('from-ts');
    project.write('lib/names.js', `export const app = 'from-js';`);
    expect((await loadConfig({ cwd: project.dir })).app).toBe('from-js');
    expect(modules()).toHaveLength(1);
  });

  it('reports what the config throws, as before', async () => {
    project.write('land.config.ts', `const reason: string = 'boom';\nthrow new Error(reason);\n`);
    expect((await loadError({ cwd: project.dir })).message).toBe(`${displayPath(path.join(project.dir, 'land.config.ts'))}: failed to load: boom`);
  });

  it('does not use a module that was changed in the cache: it is compiled again', async () => {
    writeStack('real');
    await loadConfig({ cwd: project.dir });
    const [module] = modules();
    writeFileSync(path.join(cacheDir(), module!), `export default { app: 'planted', tiers: { job: { command: ['true'] } } };\n`);
    expect((await loadConfig({ cwd: project.dir })).app).toBe('real');
    expect(readFileSync(path.join(cacheDir(), modules()[0]!), 'utf8')).not.toContain('planted');
  });

  it("does not use another config's entry (a cache folder copied from another project): it is compiled again", async () => {
    writeStack('first');
    await loadConfig({ cwd: project.dir });
    const other = makeTempProject('land-ts-cache-other-');
    try {
      // The same file names, other contents; the copied manifest's inputs (the first project's files) still hash
      // as recorded, so only the config's path tells the entries apart.
      other.write('lib/names.ts', `export const app: string = 'second';`);
      other.write('land.config.ts', readFileSync(path.join(project.dir, 'land.config.ts'), 'utf8'));
      mkdirSync(path.join(other.dir, '.land', 'cache'), { recursive: true });
      cpSync(cacheDir(), path.join(other.dir, '.land', 'cache', 'config'), { recursive: true, preserveTimestamps: true });
      chmodSync(path.join(other.dir, '.land', 'cache', 'config'), 0o700);
      expect((await loadConfig({ cwd: other.dir })).app).toBe('second');
      const manifest = JSON.parse(readFileSync(path.join(other.dir, '.land', 'cache', 'config', 'land.config.ts.json'), 'utf8')) as { inputs: Array<[string, string]> };
      expect(manifest.inputs[0]![0]).toBe(path.join(other.dir, 'land.config.ts'));
    } finally {
      other.remove();
    }
  });

  it('does not use an entry others may write (mode 0666): it is compiled again', async () => {
    writeStack('real');
    await loadConfig({ cwd: project.dir });
    const [module] = modules();
    const planted = path.join(cacheDir(), module!);
    chmodSync(planted, 0o666);
    expect((await loadConfig({ cwd: project.dir })).app).toBe('real');
    expect(statSync(path.join(cacheDir(), modules()[0]!)).mode & 0o777).toBe(0o600);
  });

  it('loads through jiti, writing nothing, when the cache folder belongs to another user', async () => {
    mkdirSync(cacheDir(), { recursive: true, mode: 0o700 });
    chownSync(cacheDir(), 65534, 65534);
    writeStack('theirs');
    expect((await loadConfig({ cwd: project.dir })).app).toBe('theirs');
    expect(cachedFiles()).toEqual([]);
    expect(statSync(cacheDir()).uid).toBe(65534);
  });

  it('loads through jiti when the cache folder is a symbolic link, or .land is a file', async () => {
    const elsewhere = path.join(project.dir, 'elsewhere');
    mkdirSync(elsewhere);
    mkdirSync(path.dirname(cacheDir()), { recursive: true });
    symlinkSync(elsewhere, cacheDir());
    writeStack('linked');
    expect((await loadConfig({ cwd: project.dir })).app).toBe('linked');
    expect(readdirSync(elsewhere)).toEqual([]);

    project.remove();
    project = makeTempProject('land-ts-cache-');
    project.write('.land', 'not a folder');
    writeStack('filed');
    expect((await loadConfig({ cwd: project.dir })).app).toBe('filed');
  });

  it('leaves to jiti, uncached, what esbuild cannot follow (a require of a computed name) and LAND_CONFIG_CACHE=off (or 0)', async () => {
    project.write('lib/computed.cjs', `module.exports = { app: 'computed' };`);
    project.write('land.config.ts', `const which: string = './lib/computed.cjs';\nconst { app } = require(which);\nexport default { app, tiers: { job: { command: ['true'] } } };`);
    expect((await loadConfig({ cwd: project.dir })).app).toBe('computed');
    expect(modules()).toEqual([]);

    try {
      for (const value of ['off', '0']) {
        writeStack(`cache ${value}`);
        process.env.LAND_CONFIG_CACHE = value;
        expect((await loadConfig({ cwd: project.dir })).app).toBe(`cache ${value}`);
        expect(existsSync(manifestFile())).toBe(false);
      }
    } finally {
      delete process.env.LAND_CONFIG_CACHE;
    }
  });

  it('compiles configs loaded side by side in one process, each into its cache, none left waiting on esbuild', { timeout: 60_000 }, async () => {
    // A compile that ended stopped esbuild's one service under the others still waiting on it: they never settled
    // (twice in CI in test/cli/init.test.ts, whose loads run side by side). Starts a few ms apart, so that one ends
    // while others are in flight, as they were there.
    const projects = Array.from({ length: 6 }, () => makeTempProject('land-ts-side-'));
    try {
      const loads = projects.map(async (other, index) => {
        other.write('lib/names.ts', `export const app: string = 'side ${index}';`);
        other.write('land.config.ts', `import { app } from './lib/names';\nexport default { app, tiers: { job: { command: ['true'] } } };`);
        await new Promise((resolve) => setTimeout(resolve, index * 4));
        return (await loadConfig({ cwd: other.dir })).app;
      });
      expect(await Promise.all(loads)).toEqual(projects.map((_, index) => `side ${index}`));
      // Each through the cache, not a fallback to jiti after a compile that did not answer.
      for (const other of projects) expect(existsSync(path.join(other.dir, '.land', 'cache', 'config', 'land.config.ts.json'))).toBe(true);
    } finally {
      for (const other of projects) other.remove();
    }
  });
});
