/**
 * bin/land.js is CommonJS (bin/package.json): an ES module entry makes node set up its ES module loader and compile
 * the entry without a code cache, on every command (docs/decisions.md, "Start-up, fifth pass"). A command that
 * imports no ES module (`--version`, `status`) loads none of that loader's jobs; `land up` still loads its config through it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { landDone, makeProject, removeProjects, ROOT } from '../helpers/land.js';

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
});
