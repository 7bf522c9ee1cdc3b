// Bundles the `land` command into dist/cli/ (esbuild, after tsc has type-checked and compiled the library).
// Why: loading ~700 files of dependencies one by one cost `land up` about half a second before its first child was
// spawned; one bundle with a chunk per lazily loaded command (and per telemetry pipe) parses in a fraction of that.
// See docs/decisions.md. jiti stays outside: it is loaded only for a TypeScript config the compile cache declines.
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inkOverride } from './ink-overrides.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'cli');

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

const result = await build({
  absWorkingDir: root,
  entryPoints: { main: 'src/cli/main.ts' },
  outdir,
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
  external: ['jiti', 'react-devtools-core'],
  plugins: [reactProductionBuilds, inkOverrides],
  logLevel: 'warning',
  metafile: true,
});
// Chunks of earlier builds are removed after the new ones are written, never before: a land running meanwhile (a
// test, a stack) keeps finding its files (chunk names are content hashes, so an unchanged chunk is rewritten as is).
const written = new Set(Object.keys(result.metafile.outputs).map((file) => join(root, file)));
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
