/**
 * A TypeScript config (and the local files it imports) compiled into one ES module that node imports natively:
 * esbuild, loaded only here, on a cache miss. The module is written under `.land/cache/config/`, so whatever
 * would resolve against the file's own place is fixed at compile time: `import.meta.url`, `import.meta.dirname`,
 * `import.meta.filename`, `__dirname` and `__filename` become each source file's own values, `require` resolves
 * from the config's folder, `land` and `land/telemetry` point at the land that loads the config (as jiti's aliases
 * did). Packages stay external imports, resolved from `.land/cache/config/`, i.e. from the project's node_modules.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import { loadTimeoutMs } from '../load-timeout.js';
import { sha256 } from './cache.js';

export interface CompiledConfig {
  /** The ES module's source. */
  code: string;
  /**
   * Every file compiled in (the config first) with the SHA-256 of the very contents compiled: the cache entry is
   * valid while they are unchanged (a file edited during the compile makes it stale, never wrong).
   */
  inputs: Array<[file: string, sha256: string]>;
}

/** Why a compile gave up: the caller then loads the config through jiti, which says what is wrong as it always did. */
export class CompileDeclined extends Error {}

const LOADERS: Record<string, 'ts' | 'js' | 'json'> = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.json': 'json' };

const COMPUTED_IMPORT = /(?:\b|__)(?:require|import)\s*\(\s*(?!['"])/;

/** Each source file's own location, declared on its first line (so line numbers stay as written). */
function locationPrefix(file: string): string {
  const values = { __land_filename: file, __land_dirname: path.dirname(file), __land_url: pathToFileURL(file).href };
  return `var ${Object.entries(values).map(([name, value]) => `${name} = ${JSON.stringify(value)}`).join(', ')};`;
}

function landPlugin(aliases: Record<string, string>, seen: Map<string, string>): Plugin {
  return {
    name: 'land-config',
    setup(build) {
      build.onResolve({ filter: /^land(\/telemetry)?$/ }, (args) => {
        const target = aliases[args.path];
        return target === undefined ? undefined : { path: pathToFileURL(target).href, external: true };
      });
      build.onLoad({ filter: /\.([cm]?[jt]s|json)$/ }, (args) => {
        const loader = LOADERS[path.extname(args.path)] ?? 'js';
        const source = readFileSync(args.path);
        seen.set(args.path, sha256(source));
        const text = source.toString('utf8');
        return { contents: loader === 'json' ? text : locationPrefix(args.path) + text, loader };
      });
    },
  };
}

/**
 * esbuild's JavaScript API, bundled into land's compile chunk, driving the platform binary land depends on
 * directly (`@esbuild/<platform>-<arch>`, an optional dependency with no install script: the `esbuild` package's
 * own postinstall would make npm warn on every install of land). The API finds that binary through
 * ESBUILD_BINARY_PATH, read once when it loads; land's environment is left as it was, so no tier inherits it.
 */
async function loadEsbuild(): Promise<typeof import('esbuild')> {
  const previous = process.env.ESBUILD_BINARY_PATH;
  try {
    if (previous === undefined) {
      const binary = process.platform === 'win32' ? 'esbuild.exe' : 'bin/esbuild';
      process.env.ESBUILD_BINARY_PATH = createRequire(import.meta.url).resolve(`@esbuild/${process.platform}-${process.arch}/${binary}`);
    }
    // The CommonJS module itself: bundled, its named exports are not all on the namespace (`stop` is missing).
    return ((await import('esbuild')) as unknown as { default: typeof import('esbuild') }).default;
  } catch (error) {
    throw new CompileDeclined(`esbuild is not available: ${String(error)}`);
  } finally {
    if (previous === undefined) delete process.env.ESBUILD_BINARY_PATH;
  }
}

/**
 * How long a compile may take (≈ 0.1 s usually): half the config's load time (7.5 s by default), past which jiti
 * loads the config in the other half. Generous on purpose: a busy machine's slow compile is not what it is for.
 */
const compileTimeoutMs = () => Math.floor(loadTimeoutMs() / 2);

/**
 * Compiles in this process still waiting on esbuild's one service process. esbuild's `stop()` kills it under any
 * build in flight, whose promise then never settles (stop() destroys the pipe, so the 'end' event that fails the
 * requests in flight never comes): loads side by side (a test file, a program embedding the loader) hung. The last
 * compile out stops it.
 */
let compiling = 0;

/** `build`, or CompileDeclined once compileTimeoutMs() has passed (jiti loads the config then). */
async function within<T>(build: Promise<T>): Promise<T> {
  const timeoutMs = compileTimeoutMs();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CompileDeclined(`esbuild did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  // A build given up on may still fail later (its service stopped): nobody waits for it any more.
  build.catch(() => {});
  try {
    return await Promise.race([build, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Compiles `file` with `aliases` (`land` → its entry file). Throws CompileDeclined for anything esbuild reports (an
 * error or a warning), a computed import left in the output, an input land did not read itself, or no answer
 * within half the config's load time: those configs keep jiti's semantics (and jiti's words for what is wrong).
 */
export async function compileConfig(file: string, aliases: Record<string, string>): Promise<CompiledConfig> {
  const esbuild = await loadEsbuild();
  const workingDir = path.dirname(file);
  const seen = new Map<string, string>();
  compiling++;
  try {
    const result = await within(esbuild.build({
      absWorkingDir: workingDir,
      entryPoints: [file],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      // jiti's order, so `./names` is the same file whichever of the two loads the config.
      resolveExtensions: ['.js', '.mjs', '.cjs', '.ts', '.tsx', '.mts', '.cts', '.json'],
      // Paths as given, so the config compiled in is the very path the cache entry is kept for.
      preserveSymlinks: true,
      // The project's tsconfig.json is not read: it is not among the cache's inputs, and jiti ignores it too.
      tsconfigRaw: {},
      metafile: true,
      logLevel: 'silent',
      define: {
        __dirname: '__land_dirname',
        __filename: '__land_filename',
        'import.meta.url': '__land_url',
        'import.meta.dirname': '__land_dirname',
        'import.meta.filename': '__land_filename',
      },
      banner: {
        js: `import { createRequire as __landCreateRequire } from 'node:module'; const require = __landCreateRequire(${JSON.stringify(pathToFileURL(file).href)});`,
      },
      plugins: [landPlugin(aliases, seen)],
    }));
    if (result.warnings.length > 0) throw new CompileDeclined(`esbuild warned: ${result.warnings[0]!.text}`);
    const code = result.outputFiles[0]!.text;
    // import(name) or require(name) of a computed name would resolve from .land/cache/config, not from the file
    // that wrote it: jiti keeps that right. (A false match, in a string, only costs the cache.)
    if (COMPUTED_IMPORT.test(code)) throw new CompileDeclined('an import() or require() of a computed name');
    const inputs = Object.keys(result.metafile.inputs).map((input): [string, string] => {
      const absolute = path.resolve(workingDir, input);
      const hash = seen.get(absolute);
      // Read by esbuild itself (another kind of file) or from another namespace: its changes could not be seen.
      if (hash === undefined) throw new CompileDeclined(`not read by land: ${input}`);
      return [absolute, hash];
    });
    inputs.sort(([a], [b]) => (a === file ? -1 : b === file ? 1 : 0));
    return { code, inputs };
  } catch (error) {
    if (error instanceof CompileDeclined) throw error;
    throw new CompileDeclined(error instanceof Error ? error.message : String(error));
  } finally {
    // The service process esbuild started must not outlive the compiles (nor keep land alive), nor be stopped
    // under another one.
    if (--compiling === 0) await esbuild.stop();
  }
}
