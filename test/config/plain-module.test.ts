/**
 * A config module read as a plain function (src/config/plain-module.ts) must give what node's own import gives, and
 * must decline (so node imports it) whatever it cannot carry exactly. Each plain case runs through both: the
 * module written to a file, imported natively, against runPlainModule over the same text.
 */
import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { plainModule, runPlainModule } from '../../src/config/plain-module.js';
import { readPlainConfig } from '../../src/config/plain-config.js';
import { makeTempProject, type TempProject } from './temp-project.js';

const run = promisify(execFile);

let project: TempProject;
beforeEach(() => {
  project = makeTempProject('land-plain-');
});
afterEach(() => {
  project.remove();
});

let count = 0;
/**
 * The default export of `source` (as JSON) as node imports it, in a node of its own (vitest's own import() is its
 * module runner, not node's loader), and as the plain reader runs it.
 */
async function both(source: string): Promise<{ native: string; plain: string }> {
  const file = project.write(`case-${count++}.mjs`, source);
  const script = `import(${JSON.stringify(pathToFileURL(file).href)}).then((m) => process.stdout.write(JSON.stringify(m.default)))`;
  const { stdout } = await run(process.execPath, ['-e', script], { cwd: project.dir });
  const plain = readPlainConfig(file);
  expect(plain, 'read as a plain module').toBeDefined();
  return { native: stdout, plain: JSON.stringify(plain!.default) };
}

const PLAIN: Record<string, string> = {
  'an object literal': `export default { app: 'x', tiers: { a: { command: ['sleep', '1'] } } };\n`,
  'built-ins, default, named and namespace imports, hoisted': [
    `const early = () => join('a', 'b');`,
    `import path, { join, sep as separator } from 'node:path';`,
    `import * as os from 'os';`,
    `import 'node:fs';`,
    `export default { early: early(), base: path.basename('/x/y'), separator, eol: os.EOL === os.default.EOL };`,
  ].join('\n'),
  'strings, templates, comments and regexes that look like module syntax': [
    `// import x from 'nope'`,
    `/* export default 1 */`,
    "const t = `import a from 'b'\n${'export default 2'} ${`nested ${1 + 1}`}`;",
    `const s = "export { a as default }", r = /export default [}'"]/u, d = 10 / 2 / 5;`,
    `const o = { import: 1, export: 2, await: 3 }; const p = o.import + o.export + o.await;`,
    `function f() { if (d) return /x/.test('x'); return 0 }`,
    `export default { t, s, r: r.source, d, p, f: f(), spread: [...[1, 2]] };`,
  ].join('\n'),
  'an export list naming the default': `const config = { app: 'listed' };\nconst other = 1;\nexport { config as default, other };\n`,
  'strict, with no this at the top level': `export default { strict: (function () { return this; })() === undefined, self: this };\n`,
  'land, when the project has it': `import { defineConfig } from 'land';\nexport default defineConfig({ app: 'defined' });\n`,
};

describe('a plain config module', () => {
  for (const [name, source] of Object.entries(PLAIN)) {
    it(`gives what node's import gives: ${name}`, async () => {
      if (name.startsWith('land')) project.write('node_modules/land/package.json', JSON.stringify({ name: 'land', type: 'module', exports: './index.js' }));
      if (name.startsWith('land')) project.write('node_modules/land/index.js', 'export const defineConfig = (c) => c;\n');
      const { native, plain } = await both(source);
      expect(plain).toBe(native);
    });
  }

  it('keeps line numbers: an error thrown on line 3 is reported on line 3 of the file', () => {
    const file = project.write('throws.mjs', `import path from 'node:path';\nconst a = 1;\nthrow new Error('line three');\nexport default a;\n`);
    const error = (() => {
      try {
        readPlainConfig(file);
      } catch (thrown) {
        return thrown as Error;
      }
      return undefined;
    })();
    expect(error?.message).toBe('line three');
    expect(error?.stack).toContain(`${file}:3:`);
  });

  it('runs the module again on every read, as a reload must', () => {
    const file = project.write('counter.mjs', `globalThis.__landPlainRuns = (globalThis.__landPlainRuns ?? 0) + 1;\nexport default globalThis.__landPlainRuns;\n`);
    const first = readPlainConfig(file)!.default as number;
    expect(readPlainConfig(file)!.default).toBe(first + 1);
  });
});

const DECLINED: Record<string, string> = {
  'a top-level await': `const v = await Promise.resolve(1);\nexport default { v };\n`,
  'await as a call': `const v = await (Promise.resolve(1));\nexport default { v };\n`,
  'import.meta': `export default { url: import.meta.url };\n`,
  'a dynamic import': `export default { p: import('node:path') };\n`,
  'a package import': `import x from 'some-package';\nexport default x;\n`,
  'a name the module does not export': `import { nope } from 'node:path';\nexport default { nope };\n`,
  'land not installed in the project': `import { defineConfig } from 'land';\nexport default defineConfig({});\n`,
  'a declaration export': `export const tiers = {};\nexport default { tiers };\n`,
  'a default function declaration': `export default function config() { return {}; }\n`,
  'no default export': `const a = 1;\nexport { a };\n`,
  'two default exports': `export default 1;\nexport { x as default };\nconst x = 2;\n`,
  'a re-export': `export { join as default } from 'node:path';\n`,
  'import attributes': `import data from './x.json' with { type: 'json' };\nexport default data;\n`,
  'a hashbang': `#!/usr/bin/env node\nexport default {};\n`,
  'a regex after a closing brace': `if (true) {}\n/x/.test('x');\nexport default {};\n`,
  'a top-level return': `return;\nexport default {};\n`,
  'a top-level return in a block': `if (true) { return; }\nexport default {};\n`,
  'arguments at the top level': `export default { n: arguments.length };\n`,
  'a comment inside an import': `import { join /* the one */ } from 'node:path';\nexport default { join };\n`,
  'an unterminated string': `export default { a: 'open };\n`,
  'a syntax error': `export default { a: };\n`,
  'an HTML-like comment (a comment in a script, operators in a module)': `let b = 2;\nconst a = 1 <!--b;\nexport default { a };\n`,
  'new.target': `export default { t: new.target };\n`,
  "the reader's own names": `var __landExports = {};\nexport default {};\n`,
};

describe('a config module that is not plain', () => {
  for (const [name, source] of Object.entries(DECLINED)) {
    it(`is left to node's import: ${name}`, () => {
      const file = project.write(`declined-${count++}.mjs`, source);
      expect(readPlainConfig(file)).toBeUndefined();
    });
  }

  it('runs nothing of a module it declines', () => {
    const file = project.write('side-effect.mjs', `globalThis.__landDeclinedRan = true;\nimport x from 'some-package';\nexport default x;\n`);
    expect(readPlainConfig(file)).toBeUndefined();
    expect((globalThis as { __landDeclinedRan?: boolean }).__landDeclinedRan).toBeUndefined();
  });

  it('has a body only for the plain forms', () => {
    expect(plainModule(`export default 1;`)?.body).toBe(`"use strict";__landExports.default = 1;\n;`);
    expect(runPlainModule('/x.mjs', `import a from 'm';\nexport default a;`, () => undefined)).toBeUndefined();
  });
});
