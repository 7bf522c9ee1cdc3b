import { readFileSync } from 'node:fs';
import path from 'node:path';
import { displayPath } from '../../src/config/display-path.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { loadError, makeTempProject, repoPath, type TempProject } from './temp-project.js';
import { landDone } from '../helpers/land.js';

const DEFINE = JSON.stringify(repoPath('src/config/define.ts'));

let project: TempProject;
beforeEach(() => {
  project = makeTempProject();
});
afterEach(() => {
  project.remove();
});

describe('loadConfig', () => {
  it('reads the stack file it is given as located already (land up), without looking for one again', async () => {
    const file = project.write('deep/land.config.mjs', `export default { tiers: { a: { command: ['true'] } } };`);
    // A config of its own where a search would find it first: the one given is read.
    project.write('land.config.mjs', `export default { tiers: { other: { command: ['true'] } } };`);
    const config = await loadConfig({ cwd: project.dir, stack: { kind: 'config', file } });
    expect(config.rootDir).toBe(path.join(project.dir, 'deep'));
    expect(config.tiers.map((tier) => tier.name)).toEqual(['a']);
  });

  it('loads a TypeScript config that imports defineConfig, without a build step (jiti)', async () => {
    project.write(
      'land.config.ts',
      `import { defineConfig } from ${DEFINE};
       interface Port { value: number }
       const port: Port = { value: 8080 };
       export default defineConfig({
         app: 'demo',
         tiers: {
           api: { command: ['node', 'api.js'], ready: { tcp: port.value } satisfies { tcp: number } },
           web: { command: 'node web.js', shell: true, when: (env) => env.Web !== 'off' },
         },
       });`,
    );
    const config = await loadConfig({ cwd: project.dir });
    expect(config.app).toBe('demo');
    expect(config.configFile).toBe(path.join(project.dir, 'land.config.ts'));
    expect(config.tiers.map((tier) => tier.name)).toEqual(['api', 'web']);
    expect(config.tiers[0]!.ready).toEqual({ tcp: 8080, timeoutMs: 30_000 });
    expect(config.tiers[1]!.command).toEqual(['/bin/sh', '-c', 'node web.js']);
    expect(config.tiers[1]!.when?.({ Web: 'off' })).toBe(false);
  });

  it('finds the config from a subfolder by walking up, the nearest first, as git and npm do', async () => {
    project.write('land.config.mjs', `export default { app: 'outer', tiers: { job: { command: ['true'] } } };`);
    project.write('packages/inner/land.config.mjs', `export default { app: 'inner', tiers: { job: { command: ['true'] } } };`);
    project.write('src/deep/er/file.txt', '');
    expect((await loadConfig({ cwd: path.join(project.dir, 'src', 'deep', 'er') })).rootDir).toBe(project.dir);
    expect((await loadConfig({ cwd: path.join(project.dir, 'packages', 'inner') })).app).toBe('inner');
    // A folder given with --config is looked in, not above.
    expect((await loadError({ cwd: project.dir, configPath: 'src' })).message).toMatch(/^no land\.config\.ts, .* or Procfile in .*src: create one with `land init` or pass --config$/);
  });

  it("loads a TypeScript config that imports from 'land' in a folder with no node_modules (land points it at itself)", async () => {
    project.write('land.config.ts', `import { defineConfig, type TierConfig } from 'land';\nconst job: TierConfig = { command: ['true'] };\nexport default defineConfig({ app: 'anywhere', tiers: { job } });`);
    expect((await loadConfig({ cwd: project.dir })).app).toBe('anywhere');
  });

  it("loads a .mjs or .js config that imports from 'land' (itself or in a helper) in a folder with no node_modules", async () => {
    project.write('helpers/tiers.mjs', `import { defineConfig } from 'land';\nexport const job = defineConfig({ tiers: { job: { command: ['true'] } } }).tiers.job;`);
    project.write('m/land.config.mjs', `import { defineConfig } from 'land';\nimport { job } from '../helpers/tiers.mjs';\nexport default defineConfig({ app: 'from-mjs', tiers: { job } });`);
    project.write('j/land.config.js', `import { defineConfig } from 'land';\nexport default defineConfig({ app: 'from-js', tiers: { job: { command: ['true'] } } });`);
    expect((await loadConfig({ cwd: path.join(project.dir, 'm') })).app).toBe('from-mjs');
    expect((await loadConfig({ cwd: path.join(project.dir, 'j') })).app).toBe('from-js');
    // land/telemetry through the CLI: in this process, vitest would transform the whole library on the way.
    project.write('t/land.config.mjs', `import { defineConfig } from 'land';\nimport { captureEvent } from 'land/telemetry';\nif (typeof captureEvent !== 'function') throw new Error('no land/telemetry');\nexport default defineConfig({ tiers: { job: { command: ['true'] } } });`);
    const check = await landDone(['check'], path.join(project.dir, 't'));
    expect(check.code, check.stderr).toBe(0);
  });

  it('loads a .mjs config with a top-level await (which require() declines before running it) once, by import()', async () => {
    project.write(
      'land.config.mjs',
      `import { appendFileSync } from 'node:fs';
       appendFileSync(new URL('./ran.txt', import.meta.url), 'ran\\n');
       const app = await Promise.resolve('awaited');
       export default { app, tiers: { a: { command: ['true'] } } };`,
    );
    expect((await loadConfig({ cwd: project.dir })).app).toBe('awaited');
    expect(readFileSync(path.join(project.dir, 'ran.txt'), 'utf8')).toBe('ran\n');
  });

  it('loads a .mjs config by native import, given by a path relative to cwd', async () => {
    project.write('conf/stack.mjs', `export default { tiers: { job: { command: ['true'] } } };`);
    const config = await loadConfig({ cwd: project.dir, configPath: 'conf/stack.mjs' });
    expect(config.rootDir).toBe(path.join(project.dir, 'conf'));
    expect(config.tiers.map((tier) => tier.name)).toEqual(['job']);
  });

  it('falls back to land.config.mjs when there is no land.config.ts, and prefers .ts when both exist', async () => {
    project.write('land.config.mjs', `export default { app: 'from-mjs', tiers: { a: { command: ['true'] } } };`);
    expect((await loadConfig({ cwd: project.dir })).app).toBe('from-mjs');
    project.write('land.config.ts', `export default { app: 'from-ts', tiers: { a: { command: ['true'] } } };`);
    expect((await loadConfig({ cwd: project.dir })).app).toBe('from-ts');
  });

  it('fills in every default, with paths relative to the config folder', async () => {
    project.write('stack/land.config.mjs', `export default { tiers: { solo: { command: ['sleep', '1'], cwd: 'work', liveness: { http: 'http://127.0.0.1:1/' } } } };`);
    const config = await loadConfig({ cwd: project.dir, configPath: 'stack' });
    const root = path.join(project.dir, 'stack');
    expect(config).toMatchObject({
      app: 'stack',
      version: '0.0.0',
      rootDir: root,
      envFiles: [path.join(root, '.env.Land'), path.join(root, '.env.Land.PostHog')],
      profilesDir: path.join(root, 'profiles'),
      defaultProfile: 'debug',
      rollupIntervalMs: 60_000,
      dashboard: { enabled: true, port: 0 },
    });
    expect(config.tiers[0]).toEqual({
      name: 'solo',
      tier: 'solo',
      command: ['sleep', '1'],
      shell: false,
      cwd: path.join(root, 'work'),
      env: {},
      envFiles: [],
      inheritEnv: true,
      telemetryEnv: true,
      allowEnv: [],
      gate: [],
      dependsOn: {},
      liveness: { http: 'http://127.0.0.1:1/', timeoutMs: 5000, intervalMs: 5000, failureThreshold: 1 },
      restart: { policy: 'on-failure', maxRestarts: 5, backoff: { initialMs: 1000, maxMs: 16_000 }, resetAfterMs: 30_000 },
      stop: { signal: 'SIGTERM', timeoutMs: 5000 },
    });
  });

  it('keeps what the config gives instead of the defaults', async () => {
    project.write(
      'land.config.mjs',
      `export default {
        app: 'x', version: '2.0.0', envFiles: ['env/a.env'], profilesDir: 'p', defaultProfile: 'release',
        telemetry: { rollupIntervalMs: 500 },
        tiers: { a: { command: ['a'], tier: 'alpha', gate: 'Spawn', restart: { backoff: { maxMs: 2000 } }, stop: { timeoutMs: 10 } } },
      };`,
    );
    const config = await loadConfig({ cwd: project.dir });
    expect(config).toMatchObject({ version: '2.0.0', envFiles: [path.join(project.dir, 'env/a.env')], profilesDir: path.join(project.dir, 'p'), defaultProfile: 'release', rollupIntervalMs: 500 });
    expect(config.tiers[0]).toMatchObject({
      tier: 'alpha',
      gate: ['Spawn'],
      restart: { policy: 'on-failure', maxRestarts: 5, backoff: { initialMs: 1000, maxMs: 2000 } },
      stop: { signal: 'SIGTERM', timeoutMs: 10 },
    });
  });

  it('orders tiers by dependency, otherwise keeping declaration order', async () => {
    project.write(
      'land.config.mjs',
      `export default { tiers: {
        sky: { command: ['x'], dependsOn: { wind: 'completed' } },
        air: { command: ['x'] },
        rest: { command: ['x'], dependsOn: { air: 'ready' } },
        wind: { command: ['x'] },
        cocoon: { command: ['x'] },
        grove: { command: ['x'], dependsOn: { rest: 'started', sky: 'ready' } },
      } };`,
    );
    const config = await loadConfig({ cwd: project.dir });
    expect(config.tiers.map((tier) => tier.name)).toEqual(['air', 'rest', 'wind', 'sky', 'cocoon', 'grove']);
  });

  it('names the cycle', async () => {
    project.write(
      'land.config.mjs',
      `export default { tiers: { a: { command: ['x'], dependsOn: { b: 'ready' } }, b: { command: ['x'], dependsOn: { c: 'ready' } }, c: { command: ['x'], dependsOn: { a: 'started' } } } };`,
    );
    const error = await loadError({ cwd: project.dir });
    expect(error.message).toBe(`${displayPath(path.join(project.dir, 'land.config.mjs'))}: tiers: expected no dependency cycle, got a -> b -> c -> a`);
  });

  it('names a tier that depends on itself', async () => {
    project.write('land.config.mjs', `export default { tiers: { a: { command: ['x'] }, b: { command: ['x'], dependsOn: { b: 'ready' } } } };`);
    expect((await loadError({ cwd: project.dir })).message).toMatch(/tiers: expected no dependency cycle, got b -> b$/);
  });

  it('names the tier and the key of an unknown dependency', async () => {
    project.write('land.config.mjs', `export default { tiers: { air: { command: ['x'] }, sky: { command: ['x'], dependsOn: { wnd: 'completed' } } } };`);
    expect((await loadError({ cwd: project.dir })).message).toBe(
      `${displayPath(path.join(project.dir, 'land.config.mjs'))}: tiers.sky.dependsOn.wnd: expected the name of a tier (air, sky), got unknown tier "wnd"`,
    );
  });

  it('reports a schema error with the file name', async () => {
    project.write('land.config.ts', `export default { tiers: { cocoon: { command: ['x'], ready: { tcp: 'abc' } } } };`);
    expect((await loadError({ cwd: project.dir })).message).toBe(
      `${displayPath(path.join(project.dir, 'land.config.ts'))}: tiers.cocoon.ready.tcp: expected a port 1..65535, got "abc"`,
    );
  });

  it('uses a path relative to the process cwd when that is shorter', async () => {
    const file = repoPath('test/config/fixtures/bad-port.config.mjs');
    const error = await loadError({ configPath: file });
    expect(error.message).toBe('test/config/fixtures/bad-port.config.mjs: tiers.cocoon.ready.tcp: expected a port 1..65535, got 0');
  });

  it('is an InputError when there is no config, or it does not load', async () => {
    expect((await loadError({ cwd: project.dir })).message).toBe(
      `no land.config.ts, land.config.mts, land.config.js, land.config.mjs, Procfile.dev or Procfile in ${displayPath(project.dir)} or any folder above it: create one with \`land init\` or pass --config or --procfile`,
    );
    expect((await loadError({ cwd: project.dir, configPath: 'nope.ts' })).message).toBe(`${displayPath(path.join(project.dir, 'nope.ts'))}: config file not found`);
    project.write('land.config.ts', `throw new Error('boom');`);
    expect((await loadError({ cwd: project.dir })).message).toBe(`${displayPath(path.join(project.dir, 'land.config.ts'))}: failed to load: boom`);
    project.write('land.config.json', `{}`);
    expect((await loadError({ cwd: project.dir, configPath: 'land.config.json' })).message).toMatch(/land\.config\.json: expected a \.ts, \.mts, \.js or \.mjs config file$/);
  });

  it("masks a secret of the shell's environment that a config's load failure quotes (registered before the message is made)", async () => {
    process.env.LAND_TEST_LOAD_TOKEN = 'tok-l0ad-f41lure';
    try {
      project.write('land.config.mjs', `throw new Error('API token ' + process.env.LAND_TEST_LOAD_TOKEN + ' is not one of ours');`);
      expect((await loadError({ cwd: project.dir })).message).toBe(`${displayPath(path.join(project.dir, 'land.config.mjs'))}: failed to load: API token *** is not one of ours`);
    } finally {
      delete process.env.LAND_TEST_LOAD_TOKEN;
    }
  });
});
