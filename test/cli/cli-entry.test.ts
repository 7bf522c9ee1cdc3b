/**
 * bin/land.js is CommonJS (bin/package.json): an ES module entry makes node set up its ES module loader and compile
 * the entry without a code cache, on every command (docs/decisions.md, "Start-up, fifth pass"). A command that
 * imports no ES module (`--version`, `status`) loads none of that loader's jobs, and neither does `land up` with a
 * plain config, which is read as a function (src/config/plain-config.ts; docs/decisions.md, "Start-up, sixth pass").
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { child, land, landDone, makeProject, removeProjects, ROOT } from '../helpers/land.js';

afterAll(removeProjects);

const HOOK = join(ROOT, 'test', 'fixtures', 'esm-loader-log.cjs');
/** What node loads to run an ES module (the entry, or an import()), and never for a CommonJS entry alone. */
const MODULE_JOB = 'internal/modules/esm/module_job';

async function esmModulesOf(args: string[], dir: string) {
  const log = join(dir, `esm-${args[0]}.log`);
  const result = await landDone(args, dir, { NODE_OPTIONS: `--require ${HOOK}`, LAND_TEST_ESM_LOG: log });
  return { exit: result, modules: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

describe('the land command’s entry', () => {
  it('prints the version without node’s ES module loader', async () => {
    const dir = makeProject({ config: { tiers: {} } });
    const { exit: result, modules } = await esmModulesOf(['--version'], dir);
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(result.stdout).toBe(`${version}\n`);
    expect(result.code).toBe(0);
    expect(modules).not.toContain(MODULE_JOB);
  });

  it('answers `status` with no stack running without it either, and with the command’s exit code', async () => {
    const dir = makeProject({ config: { tiers: {} } });
    const { exit: result, modules } = await esmModulesOf(['status'], dir);
    expect(result.code).not.toBe(0);
    expect(result.code).not.toBe(13);
    expect(result.stderr).toMatch(/^land: /);
    expect(modules).not.toContain(MODULE_JOB);
  });

  /** The ES module loader's modules a `land up` in `dir` loaded, once its tier was ready (and land stopped). */
  async function esmModulesOfUp(dir: string, config: string) {
    const log = join(dir, `esm-up-${config}.log`);
    const run = land(['up', '--no-tui', '--config', config], dir, { NODE_OPTIONS: `--require ${HOOK}`, LAND_TEST_ESM_LOG: log });
    try {
      await run.waitFor(/web: starting → ready/);
    } finally {
      await run.stop();
    }
    return readFileSync(log, 'utf8').split('\n').filter(Boolean);
  }

  it('boots from a plain land.config.mjs without it', async () => {
    const dir = makeProject({ config: { tiers: { web: { command: child('--say', 'up') } } } });
    expect(await esmModulesOfUp(dir, 'land.config.mjs')).not.toContain(MODULE_JOB);
  });

  it('boots from a land.config.ts compiled on an earlier start without it, and from one that is not plain with it', async () => {
    const dir = makeProject({ config: { tiers: {} } });
    const tiers = JSON.stringify({ web: { command: child('--say', 'up') } });
    writeFileSync(join(dir, 'land.config.ts'), `import { defineConfig } from 'land';\nimport path from 'node:path';\nconst app: string = path.basename('/x/typed');\nexport default defineConfig({ app, tiers: ${tiers} });\n`);
    await esmModulesOfUp(dir, 'land.config.ts'); // compiles it into .land/cache/config
    expect(await esmModulesOfUp(dir, 'land.config.ts')).not.toContain(MODULE_JOB);
    // import.meta is not carried by the plain reader: node imports the module, and the stack still boots.
    writeFileSync(join(dir, 'meta.mjs'), `export default { app: import.meta.url.endsWith('meta.mjs') ? 'meta' : 'wrong', tiers: ${tiers} };\n`);
    expect(await esmModulesOfUp(dir, 'meta.mjs')).toContain(MODULE_JOB);
  });
});
