import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError, oneLine } from '../errors.js';
import { displayPath } from './display-path.js';
import { resolveConfig } from './resolve.js';
import { parseLandConfig } from './schema.js';
import type { ResolvedConfig } from './types.js';

/** Looked for in this order in the folder when no file is named. */
export const CONFIG_FILE_NAMES = ['land.config.ts', 'land.config.mts', 'land.config.js', 'land.config.mjs'] as const;

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts']);
const JAVASCRIPT = new Set(['.js', '.mjs', '.cjs']);

export interface LoadConfigOptions {
  /** A config file, or a folder to look in; relative to `cwd`. */
  configPath?: string;
  /** Where to look when no configPath is given (default: process.cwd()). */
  cwd?: string;
}

function findConfigFile(options: LoadConfigOptions): string {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const given = options.configPath === undefined ? undefined : path.resolve(cwd, options.configPath);
  if (given !== undefined && !(existsSync(given) && statSync(given).isDirectory())) {
    if (!existsSync(given)) throw new InputError(`${displayPath(given)}: config file not found`);
    return given;
  }
  const folder = given ?? cwd;
  for (const name of CONFIG_FILE_NAMES) {
    const file = path.join(folder, name);
    if (existsSync(file)) return file;
  }
  throw new InputError(`no ${CONFIG_FILE_NAMES.join(', ')} in ${displayPath(folder)}: create one or pass --config`);
}

/** The file's default export: TypeScript through jiti (no build step), JavaScript through native import(). */
async function importConfigModule(file: string, label: string): Promise<unknown> {
  const extension = path.extname(file);
  try {
    if (TYPESCRIPT.has(extension)) {
      // Loaded only here: a JavaScript config does not pay for jiti. moduleCache off: a reload sees the current file.
      const { createJiti } = await import('jiti');
      const jiti = createJiti(import.meta.url, { moduleCache: false });
      return await jiti.import(file, { default: true });
    }
    if (JAVASCRIPT.has(extension)) {
      const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
      return module.default;
    }
  } catch (error) {
    throw new InputError(`${label}: failed to load: ${oneLine(error)}`);
  }
  throw new InputError(`${label}: expected a .ts, .mts, .js or .mjs config file`);
}

/**
 * Finds, imports, validates and resolves the stack's config. Every problem with it is an InputError naming the
 * file (and the key, for a bad value).
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<ResolvedConfig> {
  const file = findConfigFile(options);
  const label = displayPath(file);
  const exported = await importConfigModule(file, label);
  const config = parseLandConfig(exported, label);
  return resolveConfig(config, file, label);
}
