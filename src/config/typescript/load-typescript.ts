/**
 * Loading a TypeScript config fast: the config and the local files it imports, compiled once by esbuild into one
 * ES module under `.land/cache/config/`, then imported natively (a few milliseconds) for as long as none of those
 * files changes. jiti (what land used before, ~40–100 ms to import on every start, several hundred on a change)
 * stays the fallback for everything the cache declines: esbuild missing or refusing the file (then jiti's error
 * is the one shown, as before), a cache folder that cannot be made private, or `LAND_CONFIG_CACHE=off`.
 * See docs/decisions.md.
 */
import { pathToFileURL } from 'node:url';
import { landAliases } from '../self-alias.js';
import { requireEsModule } from '../require-module.js';
import { cachedModule, cacheFolder, storeModule } from './cache.js';
import { CompileDeclined, compileConfig } from './compile.js';

/** Imports in this process so far: a reload evaluates the module again, as jiti's (moduleCache off) did. */
let imports = 0;

async function importModule(file: string): Promise<unknown> {
  const url = pathToFileURL(file).href;
  // The first load by require() (src/config/require-module.ts); a reload through import() with a query, as before.
  const first = imports++ === 0;
  const module = (first ? requireEsModule(file) : undefined) ?? ((await import(first ? url : `${url}?load=${imports}`)) as { default?: unknown });
  // As jiti's `default: true`: the default export, or the module itself when it has none.
  return module.default ?? module;
}

async function importThroughJiti(file: string, aliases: Record<string, string>): Promise<unknown> {
  // moduleCache off: a reload sees the current file.
  const { createJiti } = await import('jiti');
  const jiti = createJiti(import.meta.url, { moduleCache: false, alias: aliases });
  return await jiti.import(file, { default: true });
}

/** The cached module, or a fresh compile stored in the cache; undefined when the cache declines this config. */
async function compiledModule(file: string, aliases: Record<string, string>): Promise<string | undefined> {
  if (['off', '0', 'false', 'no'].includes(process.env.LAND_CONFIG_CACHE?.trim().toLowerCase() ?? '')) return undefined;
  const folder = cacheFolder(file);
  if (folder === undefined) return undefined;
  const cached = cachedModule(folder, file, aliases);
  if (cached !== undefined) return cached;
  try {
    return storeModule(folder, file, aliases, await compileConfig(file, aliases));
  } catch (error) {
    // A compile esbuild refused, or a cache that could not be written: jiti loads it (and names what is wrong).
    if (error instanceof CompileDeclined || (error as NodeJS.ErrnoException).code !== undefined) return undefined;
    throw error;
  }
}

/** The default export of a `.ts`, `.mts` or `.cts` config. */
export async function importTypeScriptConfig(file: string): Promise<unknown> {
  const aliases = landAliases();
  const module = await compiledModule(file, aliases);
  if (module === undefined) return importThroughJiti(file, aliases);
  try {
    return await importModule(module);
  } catch (error) {
    // The module itself gone (another land's compile pruned it meanwhile): not the config's fault.
    const missing = (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(module);
    if (missing) return importThroughJiti(file, aliases);
    throw error;
  }
}
