/** A JavaScript config's syntax error names file:line:col, as a TypeScript one's does (node's SyntaxError has none). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { landDone, makeProject, removeProjects } from '../helpers/land.js';

afterAll(removeProjects);

describe('a JavaScript config that does not parse', () => {
  it.each(['land.config.mjs', 'land.config.js'])('%s: file:line:col in up and check (text and --json)', async (name) => {
    const dir = makeProject({ config: { tiers: {} } });
    writeFileSync(join(dir, 'land.config.mjs'), '');
    writeFileSync(join(dir, name), "export default {\n  tiers: { web: { command: ['true'] } };\n};\n");
    const up = await landDone(['up', '--no-tui', '-c', name], dir);
    expect(up.code).toBe(2);
    expect(up.stderr).toBe(`land: ${name}:2:40: failed to load: Unexpected token ';'\n`);
    const json = JSON.parse((await landDone(['check', '--json', '-c', name], dir)).stdout) as { problems: unknown[] };
    expect(json.problems).toEqual([
      { file: name, line: 2, column: 40, message: "failed to load: Unexpected token ';'", text: `${name}:2:40: failed to load: Unexpected token ';'` },
    ]);
  });

  it('an error in a file it imports, or one thrown while it runs, has no position to give: the message as before', async () => {
    const dir = makeProject({ config: { tiers: {} }, files: { 'helper.mjs': 'export default {;\n' } });
    writeFileSync(join(dir, 'land.config.mjs'), "import x from './helper.mjs';\nexport default x;\n");
    const imported = await landDone(['check'], dir);
    expect(imported.stdout).toBe("land.config.mjs: failed to load: Unexpected token ';'\n");
    writeFileSync(join(dir, 'land.config.mjs'), "JSON.parse('{');\nexport default {};\n");
    const thrown = await landDone(['check'], dir);
    expect(thrown.stdout).toMatch(/^land\.config\.mjs: failed to load: .*JSON.*\n$/);
  });
});
