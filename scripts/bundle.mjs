// Bundles the `land` command into dist/cli/ (esbuild, after tsc has type-checked and compiled the library).
// Why: loading ~700 files of dependencies one by one cost `land up` about half a second before its first child was
// spawned; one bundle with a chunk per lazily loaded command (and per telemetry pipe) parses in a fraction of that.
// See docs/decisions.md. jiti stays outside: it is loaded only for a TypeScript config the compile cache declines.
// esbuild splits the code into a chunk per set of entry points sharing it: `land up` loaded 37 files before its first
// spawn. rolldown then regroups esbuild's output (regroupStack below) so that it loads a few.
import { build, transform } from 'esbuild';
import { rolldown } from 'rolldown';
import { parseAst } from 'rolldown/parseAst';
import { createHash } from 'node:crypto';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inkOverride } from './ink-overrides.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'cli');
// esbuild's own output, regrouped from there into outdir.
const stage = join(root, 'dist', '.cli-esbuild');

/**
 * React, its reconciler and scheduler choose their build at run time from NODE_ENV, so a bundle carries both. land
 * runs the production builds (src/tui/load.ts already defaults NODE_ENV to production for the UI): the development
 * builds only add warnings for component authors, and half of the UI chunk.
 */
const reactProductionBuilds = {
  name: 'react-production-builds',
  setup(build) {
    build.onResolve({ filter: /^\.\/cjs\/.*\.development\.js$/ }, (args) =>
      /[/\\]node_modules[/\\](react|react-reconciler|scheduler)$/.test(args.resolveDir)
        ? { path: join(args.resolveDir, args.path.replace(/\.development\.js$/, '.production.js')) }
        : undefined,
    );
  },
};

/**
 * The bundle is CommonJS (for the V8 code cache, src/startup/code-cache.ts), which holds no top-level await: ink's
 * `yoga-layout` becomes scripts/yoga-ready.mjs (src/tui/load.ts awaits it before importing ink), and ink's reconciler
 * loads its React devtools hook (DEV=true only) without awaiting it at top level.
 */
const noTopLevelAwait = {
  name: 'no-top-level-await',
  setup(build) {
    build.onResolve({ filter: /^yoga-layout$/ }, () => ({ path: join(root, 'scripts', 'yoga-ready.mjs') }));
    build.onLoad({ filter: /[/\\]node_modules[/\\]ink[/\\]build[/\\]reconciler\.js$/ }, ({ path }) => {
      let contents = readFileSync(path, 'utf8');
      const replace = (from, to) => {
        if (!contents.includes(from)) throw new Error(`bundle: ${path} no longer holds ${JSON.stringify(from)}: update scripts/bundle.mjs`);
        contents = contents.replace(from, to);
      };
      replace("    try {\n        await import('./devtools.js');\n    }\n    catch (error) {", "    import('./devtools.js').catch((error) => {");
      replace('            throw error;\n        }\n    }\n}', '            throw error;\n        }\n    });\n}');
      replace("async function loadPackageJson() {\n    const fs = await import('node:fs');", "function loadPackageJson() {\n    const fs = require('node:fs');");
      replace('? await loadPackageJson()', '? loadPackageJson()');
      return { contents, loader: 'js' };
    });
  },
};

/** land's own versions of some of ink's modules (scripts/ink-overrides.mjs). */
const inkOverrides = {
  name: 'ink-overrides',
  setup(build) {
    build.onResolve({ filter: /^(\.\/[a-z-]+\.js|widest-line)$/ }, (args) => {
      const path = inkOverride(args.path, args.resolveDir);
      return path ? { path } : undefined;
    });
  },
};

rmSync(stage, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { main: 'src/cli/main.ts' },
  outdir: stage,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // ES module builds where a package has one: esbuild can drop what land does not use.
  mainFields: ['module', 'main'],
  // Source maps only on request (LAND_BUNDLE_SOURCEMAP=1): the package ships none (docs/decisions.md).
  sourcemap: process.env.LAND_BUNDLE_SOURCEMAP === '1' ? 'linked' : false,
  minifySyntax: process.env.LAND_BUNDLE_MINIFY !== '0',
  minifyWhitespace: process.env.LAND_BUNDLE_MINIFY !== '0',
  legalComments: 'none',
  chunkNames: 'chunks/[name]-[hash]',
  // Bundled CommonJS dependencies call require() for Node's own modules: give every chunk one.
  banner: { js: "import { createRequire as __landCreateRequire } from 'node:module'; const require = __landCreateRequire(import.meta.url);" },
  // jiti: only for a .ts config the compile cache declines, with files of its own; react-devtools-core: ink's
  // optional development hook. esbuild's API is bundled (into the config compile's chunk) and drives the platform
  // binary land depends on (src/config/typescript/compile.ts).
  // croner: only for a stack with a scheduled tier, through require (src/config/croner.ts).
  external: ['jiti', 'react-devtools-core', 'croner'],
  plugins: [reactProductionBuilds, inkOverrides, noTopLevelAwait],
  logLevel: 'warning',
  metafile: true,
});
/** The output files `files` import statically, directly or not (themselves included). */
function staticClosure(outputs, files) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const { path, kind, external } of outputs[file].imports) if (kind === 'import-statement' && !external) visit(path);
  };
  files.forEach(visit);
  return seen;
}

/**
 * Which chunk each module `land up` imports before its first spawn goes into (absolute path → chunk name): the
 * modules of up.ts and boot.ts that main.js does not already have, in one chunk, less those the clients of a running
 * stack (status, logs, down, …, watch, dashboard) use too, grouped by which of them do: a client still loads only
 * what it runs. Other commands (check, profiles, export, …) load the stack's chunk when they need part of it.
 */
function stackGroups(outputs) {
  const entry = (source) => Object.keys(outputs).find((file) => outputs[file].entryPoint === source);
  const [main, up, boot] = ['src/cli/main.ts', 'src/cli/up.ts', 'src/cli/boot.ts'].map(entry);
  if (!main || !up || !boot) throw new Error('bundle: main.ts, up.ts and boot.ts must stay entry points (boot.ts imported lazily by up.ts)');
  const before = staticClosure(outputs, [main]);
  const stack = [...staticClosure(outputs, [up, boot])].filter((file) => !before.has(file));
  const users = new Map(stack.map((file) => [file, []]));
  for (const client of ['control-commands', 'watch', 'dashboard']) {
    for (const file of staticClosure(outputs, [entry(`src/cli/${client}.ts`)])) users.get(file)?.push(client);
  }
  const keys = [...new Set([...users.values()].map((names) => names.sort().join('+')))].sort();
  return new Map([...users].map(([file, names]) => [join(root, file), names.length ? `up-client-${keys.indexOf(names.join('+'))}` : 'up-stack']));
}

/** Where `node` and its descendants hold an `import(…)` expression (UTF-16 offsets of its `import`). */
function dynamicImports(node, found = []) {
  if (Array.isArray(node)) node.forEach((item) => dynamicImports(item, found));
  else if (node && typeof node === 'object') {
    if (node.type === 'ImportExpression') found.push(node.start);
    for (const value of Object.values(node)) if (value && typeof value === 'object') dynamicImports(value, found);
  }
  return found;
}

/**
 * node 20 loses a script's dynamic-import callback when V8 compiles it from cached data ("A dynamic import callback
 * was not specified"), so the bundle's remaining `import(…)` (a config file, jiti, node's modules in the telemetry
 * pipes) call `__landImport(…)` instead: an `import()` of src/startup/code-cache.ts, which node compiled itself, handed
 * to every script of the bundle by that loader.
 */
const importThroughLoader = {
  name: 'import-through-loader',
  renderChunk(code) {
    if (!/\bimport\s*\(/.test(code)) return null;
    const starts = dynamicImports(parseAst(code)).sort((a, b) => b - a);
    if (starts.length === 0) return null;
    let out = code;
    for (const start of starts) out = `${out.slice(0, start)}__landImport${out.slice(start + 'import'.length)}`;
    return { code: out };
  },
};

/** The `createRequire(…)` call statements in `node`, whose value nothing keeps: [start, end) of each. */
function discardedRequires(node, found = []) {
  if (Array.isArray(node)) node.forEach((item) => discardedRequires(item, found));
  else if (node && typeof node === 'object') {
    if (node.type === 'ExpressionStatement' && node.expression.type === 'CallExpression') {
      let callee = node.expression.callee;
      if (callee.type === 'SequenceExpression') callee = callee.expressions.at(-1);
      const name = callee.type === 'MemberExpression' ? callee.property.name : callee.name;
      if (name === 'createRequire' || name === '__landCreateRequire') found.push([node.start, node.end]);
      return found;
    }
    for (const value of Object.values(node)) if (value && typeof value === 'object') discardedRequires(value, found);
  }
  return found;
}

/**
 * esbuild's banner gives each of its ES module chunks a `require` (bundled CommonJS packages call it for node's
 * modules). In rolldown's CommonJS output every script has node's own, so each banner is left as a statement that
 * makes a `require` and drops it: 38 in the stack's chunk alone, each a URL made and parsed and a Module built, ≈ 3 ms of
 * `land up`'s CPU before its first spawn (docs/decisions.md, "Start-up, twelfth pass"). They go, each for an empty
 * statement (valid wherever a statement is).
 */
const dropDiscardedRequires = {
  name: 'drop-discarded-requires',
  renderChunk(code) {
    if (!code.includes('createRequire')) return null;
    const spans = discardedRequires(parseAst(code)).sort((a, b) => b[0] - a[0]);
    if (spans.length === 0) return null;
    let out = code;
    for (const [start, end] of spans) out = `${out.slice(0, start)};${out.slice(end)}`;
    return { code: out };
  },
};

/**
 * esbuild makes a chunk per set of entry points (every lazily imported module is one) sharing some code, which left
 * `land up` 37 small files to resolve, read, compile and link before its first spawn: ~0.4 ms each, and more on a
 * busy machine. rolldown regroups esbuild's output: what `land up` needs before its first spawn becomes one chunk,
 * which every other chunk needing part of it imports (no module is ever loaded twice); the rest stays as esbuild
 * split it. Whitespace only is minified again (names stay readable in profiles, as in esbuild's pass).
 */
async function regroupStack(groups) {
  const bundle = await rolldown({
    input: { main: join(stage, 'main.js') },
    platform: 'node',
    // node's modules and the packages left outside by esbuild (jiti, react-devtools-core).
    external: [/^[^./]/],
    logLevel: 'warn',
    // main.js exports main() and nothing else, as esbuild wrote it.
    preserveEntrySignatures: 'allow-extension',
    plugins: [importThroughLoader, dropDiscardedRequires],
    // Timing warnings for import-through-loader's parse: ≈ 1 s of a build, not worth a line in every build's output.
    checks: { pluginTimings: false },
  });
  try {
    const { output } = await bundle.write({
      dir: outdir,
      // CommonJS: node 20 keeps no code cache for ES modules, src/startup/code-cache.ts does for these scripts.
      format: 'cjs',
      // esbuild's ES modules were strict; rolldown's 'auto' would leave CommonJS output sloppy (no directive in it).
      strict: true,
      entryFileNames: '[name].js',
      chunkFileNames: 'chunks/[name]-[hash].js',
      minify: { compress: false, mangle: false, codegen: { removeWhitespace: process.env.LAND_BUNDLE_MINIFY !== '0' } },
      comments: false,
      codeSplitting: {
        includeDependenciesRecursively: false,
        groups: [{ name: (id) => groups.get(id) ?? null, debugName: 'land up' }],
      },
    });
    return output.map((file) => join(outdir, file.fileName));
  } finally {
    await bundle.close();
  }
}

// Source maps (LAND_BUNDLE_SOURCEMAP=1, for debugging) map esbuild's output only: that build is not regrouped.
const written = new Set(
  process.env.LAND_BUNDLE_SOURCEMAP === '1'
    ? (cpSync(stage, outdir, { recursive: true }), Object.keys(result.metafile.outputs).map((file) => join(outdir, relative(stage, join(root, file)))))
    : await regroupStack(stackGroups(result.metafile.outputs)),
);
rmSync(stage, { recursive: true, force: true });
// rolldown writes characters beyond ASCII as they are (esbuild had escaped them): V8 then holds the whole chunk's
// source as a two-byte string, so a few `…` in up-stack cost `land up` ~270 KB of heap. esbuild escapes them again.
for (const file of written) {
  const code = readFileSync(file, 'utf8');
  if (!/[^\x00-\x7f]/.test(code)) continue;
  const minify = process.env.LAND_BUNDLE_MINIFY !== '0';
  writeFileSync(file, (await transform(code, { charset: 'ascii', minifyWhitespace: minify, legalComments: 'none' })).code);
}
// Each CommonJS script written inside the function the code cache's loader runs it in (src/startup/script-wrapper.ts):
// the loader then compiles the text node read, not a wrapped copy of it.
const { wrapScript } = await import(new URL('../dist/src/startup/script-wrapper.js', import.meta.url).href);
if (process.env.LAND_BUNDLE_SOURCEMAP !== '1') for (const file of [...written].filter((name) => name.endsWith('.js'))) writeFileSync(file, wrapScript(readFileSync(file, 'utf8')));
// dist/cli is CommonJS (rolldown's output; esbuild's ES modules in a source-map build); the build id, a hash of its
// files, keys the V8 code cache that dist/cli/code-cache.cjs (src/startup/code-cache.ts, loaded by bin/land.js)
// keeps for them.
const buildId = createHash('sha256');
for (const file of [...written].sort()) buildId.update(file).update(readFileSync(file));
const manifest = join(outdir, 'package.json');
const sourceMaps = process.env.LAND_BUNDLE_SOURCEMAP === '1';
writeFileSync(manifest, `${JSON.stringify({ type: sourceMaps ? 'module' : 'commonjs', buildId: buildId.digest('hex').slice(0, 16) })}\n`);
await build({
  absWorkingDir: root,
  entryPoints: ['src/startup/code-cache.ts'],
  outfile: join(outdir, 'code-cache.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});
written.add(manifest).add(join(outdir, 'code-cache.cjs'));
// Chunks of earlier builds are removed after the new ones are written, never before: a land running meanwhile (a
// test, a stack) keeps finding its files (chunk names are content hashes, so an unchanged chunk is rewritten as is).
for (const dir of [outdir, join(outdir, 'chunks')]) {
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    if (name !== 'chunks' && !written.has(file)) rmSync(file, { force: true });
  }
}

// The dashboard's page (src/dashboard/client): one script and one stylesheet for the browser, minified, everything
// inside (Preact, uPlot): no CDN, works offline. Served by src/dashboard/assets.ts.
const page = await build({
  absWorkingDir: root,
  entryPoints: { app: 'src/dashboard/client/main.tsx' },
  outdir: join(root, 'dist', 'dashboard'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome110', 'firefox110', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: process.env.LAND_BUNDLE_MINIFY !== '0',
  sourcemap: false,
  legalComments: 'none',
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
  metafile: true,
});

// LAND_BUNDLE_META=1: what each chunk is made of (for finding what `land up` parses before its first spawn).
if (process.env.LAND_BUNDLE_META === '1') {
  const { analyzeMetafile } = await import('esbuild');
  process.stdout.write(`${await analyzeMetafile(result.metafile)}\n${await analyzeMetafile(page.metafile)}\n`);
}
