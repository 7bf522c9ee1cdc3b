import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError, oneLine } from '../errors.js';
import { displayPath } from './display-path.js';
import { locateStack, type StackFile } from './locate.js';
import { BrokenImport, brokenImports, MissingImport, missingImports } from './missing-imports.js';
import { filesOfStack, maskLoadMessage } from './load-error.js';
import { resolveConfig } from './resolve.js';
import { parseLandConfig } from './config-issues.js';
import { registerSecretsOf } from './redact.js';
import { loadTimeoutMs } from './load-timeout.js';
import { importTypeScriptConfig } from './typescript/load-typescript.js';
import { requireEsModule } from './require-module.js';
import type { ResolvedConfig } from './types.js';

export { CONFIG_FILE_NAMES } from './locate.js';

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts']);
const JAVASCRIPT = new Set(['.js', '.mjs', '.cjs']);

export interface LoadConfigOptions {
  /** A config file (or a Procfile), or a folder to look in; relative to `cwd`. */
  configPath?: string;
  /** `-f/--procfile`: a file read as a Procfile whatever its name (over configPath). */
  procfile?: string;
  /** Where to start looking, upwards, when no configPath is given (default: process.cwd()). */
  cwd?: string;
  /** A foreman formation (`web=2,worker=1`): only for a Procfile stack. */
  formation?: string;
  /** The stack file, located already (`land up` claims its folder before it reads the config): not looked for again. */
  stack?: StackFile;
}

export { CONFIG_LOAD_TIMEOUT_MS } from './load-timeout.js';

/**
 * The import, bounded. The timer is not unref'd on purpose: a top-level await on a promise nothing will settle
 * leaves node's event loop empty, and without it the process would end silently (exit 13) instead of saying so.
 */
export async function importConfigWithin(file: string, label: string): Promise<unknown> {
  const timeoutMs = loadTimeoutMs();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const seconds = timeoutMs >= 1000 ? `${timeoutMs / 1000} s` : `${timeoutMs} ms`;
      reject(new InputError(`${label}: did not finish loading within ${seconds} (a top-level await that never settles?)`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([importConfigModule(file, label), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** JavaScript configs imported in this process so far. */
let javascriptImports = 0;

/** What node says when a config (or a file it imports) imports `land` and no node_modules holds it. */
const LAND_NOT_FOUND = /^Cannot find package 'land(?:\/telemetry)?' imported from /;

/**
 * A JavaScript config, natively. One that imports `land` where node finds no package of that name (a global or
 * `npx` land, a project without node_modules/land) is loaded as a TypeScript config is, where `land` is the land
 * that loads it: compiled once and cached, so that only such a config pays for it (a failed resolution, before any
 * of the config ran, and the cache's lookup); a `module.register` resolve hook would cost every start a loader
 * thread (docs/decisions.md).
 */
async function importJavaScriptConfig(file: string): Promise<unknown> {
  try {
    // Read again in the same process (`land apply`): evaluated again, not node's cached module (what it imports is).
    // A first `.mjs` is an ES module whatever its package says: loaded by require() (require-module.ts). A `.js` may
    // be CommonJS, whose default export import() makes of module.exports: imported, as before.
    const url = pathToFileURL(file).href;
    const first = javascriptImports++ === 0;
    const required = first && path.extname(file) === '.mjs' ? requireEsModule(file) : undefined;
    const module = required ?? ((await import(first ? url : `${url}?load=${javascriptImports}`)) as { default?: unknown });
    return module.default;
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    if (code !== 'ERR_MODULE_NOT_FOUND' || !LAND_NOT_FOUND.test(message)) throw error;
    return importTypeScriptConfig(file);
  }
}

/** `:line:col` of a JavaScript config's own syntax error (node's SyntaxError gives none), else ''. */
async function javaScriptSyntaxPosition(file: string, extension: string, error: unknown): Promise<string> {
  if (!JAVASCRIPT.has(extension) || !(error instanceof SyntaxError)) return '';
  const position = (await import('./syntax-position.js')).syntaxErrorPosition(file);
  return position === undefined ? '' : `:${position.line}:${position.column}`;
}

/**
 * The file's default export: TypeScript compiled once and cached (src/config/typescript/, jiti as the fallback; no
 * build step), JavaScript through native import() (or as TypeScript when node cannot find its `land`).
 */
export async function importConfigModule(file: string, label: string): Promise<unknown> {
  const extension = path.extname(file);
  try {
    if (TYPESCRIPT.has(extension)) {
      // Light (node builtins only), so imported statically: its own chunk cost ~8 ms of CPU and ~20 ms of start-up
      // in A/B runs. esbuild and jiti, the heavy parts, are imported only when the compile cache misses or declines.
      return await importTypeScriptConfig(file);
    }
    if (JAVASCRIPT.has(extension)) return await importJavaScriptConfig(file);
  } catch (error) {
    // The config ran with the shell's environment, whose secrets are registered only once the plan is read
    // (plan.ts): registered now, so that a message quoting one (the config's own, or node's around a value) masks it.
    registerSecretsOf(process.env);
    // Node's words around the config's own text may quote an unquoted secret (`sk_live_x is not defined`); the
    // config's own message, a value of the environment (load-error.ts).
    const named = filesOfStack(error);
    const said = maskLoadMessage(oneLine(error), [file, ...named], process.env);
    const message = `${label}${await javaScriptSyntaxPosition(file, extension, error)}: failed to load: ${said}`;
    // A local import not there (yet), or there but broken: `land up --watch-config` watches it and tries again once
    // it appears or is saved.
    const missing = missingImports(error);
    if (missing.length > 0) throw new MissingImport(message, missing);
    const broken = brokenImports(file, named);
    throw broken.length > 0 ? new BrokenImport(message, broken) : new InputError(message);
  }
  // A process-compose file or a Procfile given as the config: what converts it.
  const init = /\.ya?ml$/i.test(file) ? '--from' : /^Procfile/.test(path.basename(file)) ? '-f' : undefined;
  const peer = init === undefined ? '' : `; \`land init ${init} ${label}\` converts it to land.config.ts`;
  throw new InputError(`${label}: expected a .ts, .mts, .js or .mjs config file${peer}`);
}

/**
 * Finds, imports, validates and resolves the stack's config. Every problem with it is an InputError naming the
 * file (and the key, for a bad value).
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<ResolvedConfig> {
  const { kind, file } = options.stack ?? locateStack({ config: options.configPath, procfile: options.procfile }, options.cwd);
  const label = displayPath(file);
  if (kind === 'procfile') return (await import('../procfile/stack.js')).loadProcfileStack(file, options.formation);
  if (options.formation !== undefined) {
    throw new InputError(`--formation: only for a Procfile stack (${label} is a land config: set the tier counts there)`);
  }
  const exported = await importConfigWithin(file, label);
  try {
    const config = parseLandConfig(exported, label);
    return resolveConfig(config, file, label);
  } catch (error) {
    // A getter or a Proxy in the exported object may throw while it is read: still the config's fault.
    if (error instanceof InputError) throw error;
    throw new InputError(`${label}: failed to read the exported config: ${oneLine(error)}`);
  }
}
