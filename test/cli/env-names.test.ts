/** A tier's env key with `=` reached the child as `A=B=x` (a variable A of value B=x): refused at load, named by key. */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { landDone, makeProject, removeProjects } from '../helpers/land.js';

afterAll(removeProjects);

describe('env variable names', () => {
  it('refuses a key with "=", an empty one and one with a NUL byte: one line each in check, exit 2 in up and run, nothing started', async () => {
    const dir = makeProject({ config: { tiers: {} } });
    const marker = join(dir, 'started');
    const command = JSON.stringify(['node', '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, process.env.A ?? '')`]);
    writeFileSync(join(dir, 'land.config.mjs'), `export default { tiers: { web: { command: ${command}, env: { 'A=B': 'x', '': 'y', 'C\\0D': 'z' } } } };\n`);
    const rule = 'expected a variable name: not empty, without "=" or a NUL byte';
    const check = await landDone(['check'], dir);
    expect(check.code).toBe(2);
    expect(check.stdout).toBe(
      [
        `land.config.mjs: tiers.web.env["A=B"]: ${rule}, got a name with "="`,
        `land.config.mjs: tiers.web.env[""]: ${rule}, got an empty name`,
        `land.config.mjs: tiers.web.env["C\\u0000D"]: ${rule}, got a name with a NUL byte`,
        '',
      ].join('\n'),
    );
    for (const args of [['up', '--no-tui'], ['run', '--tier', 'web', '--', 'true']]) {
      const result = await landDone(args, dir);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`land: land.config.mjs: tiers.web.env["A=B"]: ${rule}, got a name with "=" (and 2 more problems)\n`);
    }
    expect(existsSync(marker)).toBe(false);
  });
});
