/**
 * A config module (a `.mjs` config, or a `land.config.ts` compiled into `.land/cache/config/`) read without node's
 * ES module loader when it is plain enough (src/config/plain-module.ts): its imports may be node's built-ins and
 * `land`, which is this land's own `defineConfig` (it returns its argument: which copy a config sees changes
 * nothing, as src/config/self-alias.ts says). Anything else is undefined and the caller imports the file natively.
 */
import { readFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { pathToFileURL } from 'node:url';
import { defineConfig } from './define.js';
import { runPlainModule } from './plain-module.js';

/** `land`'s runtime exports (the rest are types). */
const LAND: Record<string, unknown> = Object.freeze(Object.assign(Object.create(null), { defineConfig }));

/** A built-in as an ES module sees it: its named exports and the module itself as the default. */
function builtin(specifier: string): Record<string, unknown> | undefined {
  const exports = isBuiltin(specifier) ? (process.getBuiltinModule(specifier) as Record<string, unknown> | undefined) : undefined;
  return exports && Object.assign(Object.create(null), exports, { default: exports });
}

/** Where `land` comes from: `landUrl` (a compiled config's alias), or, for a `.mjs`, wherever node finds it from the file. */
function landIs(file: string, specifier: string, landUrl: string | undefined): boolean {
  if (landUrl !== undefined) return specifier === landUrl;
  if (specifier !== 'land') return false;
  try {
    createRequire(file).resolve('land'); // not installed there: node's import fails, and says so
    return true;
  } catch {
    return false;
  }
}

/**
 * The module at `file`'s exports (a null-prototype object), run as a plain function; undefined when it is not
 * plain (nothing of it has run). `landUrl`: the URL a compiled config imports `land` by.
 */
export function readPlainConfig(file: string, landUrl?: string): Record<string, unknown> | undefined {
  if (['off', '0', 'false', 'no'].includes(process.env.LAND_CONFIG_PLAIN?.trim().toLowerCase() ?? '')) return undefined;
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    return undefined; // node's import names what is wrong with the file
  }
  return runPlainModule(file, source, (specifier) => (landIs(file, specifier, landUrl) ? LAND : builtin(specifier)));
}

/** The URL a compiled config imports `land` by (src/config/typescript/compile.ts points it at this land). */
export const landUrlOf = (aliases: Record<string, string>): string | undefined => (aliases.land === undefined ? undefined : pathToFileURL(aliases.land).href);
