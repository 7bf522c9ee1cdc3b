/**
 * A `when` predicate must return a boolean: an async one (a Promise) or a string used to read as true and start the
 * tier. Through the real CLI: check, profiles, export and up all refuse it with one line, exit 2, nothing started.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { landDone, makeProject, removeProjects } from '../helpers/land.js';

afterAll(removeProjects);

/** A project whose tier `web` writes `started` in its folder if it ever runs, gated by the `when` source given. */
function projectWith(when: string, profiles?: Record<string, string>): string {
  const dir = makeProject({ config: { tiers: {} }, profiles: profiles ?? {} });
  const marker = join(dir, 'started');
  const command = JSON.stringify(['node', '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`]);
  writeFileSync(join(dir, 'land.config.mjs'), `export default { tiers: { web: { command: ${command}, when: ${when} } } };\n`);
  return dir;
}

// Each test has projects of its own: they run side by side.
describe.concurrent('a when predicate that does not return a boolean', () => {
  it('an async predicate: check, profiles and up refuse it at load, exit 2, nothing started', async () => {
    const dir = projectWith('async () => false');
    const expected = 'land.config.mjs: tiers.web.when: expected a function (env) => boolean; when cannot be async, got an async function';
    const check = await landDone(['check'], dir);
    expect(check.code).toBe(2);
    expect(check.stdout).toBe(`${expected}\n`);
    const json = JSON.parse((await landDone(['check', '--json'], dir)).stdout) as { problems: Array<{ key: string }> };
    expect(json.problems).toEqual([expect.objectContaining({ key: 'tiers.web.when' })]);
    for (const args of [['profiles'], ['up', '--no-tui']]) {
      const result = await landDone(args, dir);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`land: ${expected}\n`);
    }
    expect(existsSync(join(dir, 'started'))).toBe(false);
  });

  it.each([
    ['() => Promise.resolve(false)', 'a Promise'],
    ["() => Promise.reject(new Error('boom'))", 'a Promise'],
    ["() => 'yes'", '"yes"'],
    ['(env) => env.Nothing', 'nothing'],
  ])('%s: one line naming tiers.web.when, exit 2, nothing started, in check, profiles, export and up', async (when, got) => {
    const expected = `land.config.mjs: tiers.web.when: expected a boolean; when cannot be async, got ${got}`;
    const dir = projectWith(when, { debug: '' });
    const check = await landDone(['check'], dir);
    expect(check.code).toBe(2);
    expect(check.stdout).toBe(`${expected}\n`);
    for (const args of [['profiles'], ['export', 'compose', '-o', 'out'], ['up', '--no-tui']]) {
      const result = await landDone(args, dir);
      expect(result.code).toBe(2);
      // One line: a rejected Promise is not an unhandled rejection besides.
      expect(result.stderr).toBe(`land: ${expected}\n`);
    }
    expect(existsSync(join(dir, 'started'))).toBe(false);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('without profiles, land profiles says so in one line and what a plain up starts; a bad predicate is still refused', async () => {
    const dir = makeProject({ config: { tiers: {} }, profiles: {} });
    rmSync(join(dir, 'profiles'), { recursive: true }); // no folder at all: what the tester saw
    writeFileSync(join(dir, 'land.config.mjs'), "export default { tiers: { web: { command: ['true'] }, docs: { command: ['true'], when: () => false } } };\n");
    const result = await landDone(['profiles'], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('no profiles: there are no *.env files in profiles; land up uses none and starts web; gated off: docs (when)\n');
    const json = await landDone(['profiles', '--json'], dir);
    expect(JSON.parse(json.stdout)).toEqual({ defaultProfile: 'default', profiles: [] }); // what a plain up boots

    const bad = projectWith("() => 'yes'");
    const refused = await landDone(['profiles'], bad);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe('land: land.config.mjs: tiers.web.when: expected a boolean; when cannot be async, got "yes"\n');
  });
});
