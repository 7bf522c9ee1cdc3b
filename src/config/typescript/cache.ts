/**
 * The compiled TypeScript config, kept in `<config folder>/.land/cache/config/` (private: this user's, mode 0700).
 * An entry is a manifest per config file (`land.config.ts.json`) naming the compiled module (`<sha256>.mjs`) and
 * the SHA-256 of every file compiled into it: it is used only while every one of those files still has the same
 * contents, the config is at the same path, and the same land (the same `land` aliases, the same recipe) loads it.
 * Anything unexpected (a folder owned by another user, a link, a file that does not read back) is a miss, never
 * an error: the caller compiles again or falls back to jiti.
 */
import { hash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { ensurePrivateFolder, readPrivateFile, writePrivateFile } from '../../control/private-dir.js';
import type { CompiledConfig } from './compile.js';

/** Bumped whenever compile.ts changes what it produces, so older entries are not used. */
const RECIPE = 'land-config-esbuild-1';
const OUTPUT = /^[0-9a-f]{64}\.mjs$/;

interface Manifest {
  recipe: string;
  aliases: Record<string, string>;
  /** [absolute path, sha256 of its contents]; the config first (the manifest holds its path there only). */
  inputs: Array<[string, string]>;
  output: string;
}

/** The one-shot hash: about half the cost of createHash() for the first call of a process. */
export const sha256 = (data: Buffer | string): string => hash('sha256', data, 'hex');

/** `<config folder>/.land/cache/config`, made private; undefined when it cannot be (the cache is then not used). */
export function cacheFolder(configFile: string): string | undefined {
  const folder = path.join(path.dirname(configFile), '.land', 'cache', 'config');
  try {
    ensurePrivateFolder(folder);
    return folder;
  } catch {
    return undefined;
  }
}

function hashOf(file: string): string | undefined {
  try {
    return sha256(readFileSync(file));
  } catch {
    return undefined;
  }
}

const manifestPath = (folder: string, configFile: string) => path.join(folder, `${path.basename(configFile)}.json`);

function readManifest(file: string): Manifest | undefined {
  const text = readPrivateFile(file);
  if (!text) return undefined;
  try {
    const manifest = JSON.parse(text.toString('utf8')) as Manifest;
    return Array.isArray(manifest.inputs) && typeof manifest.output === 'string' && OUTPUT.test(manifest.output) ? manifest : undefined;
  } catch {
    return undefined;
  }
}

const sameAliases = (a: Record<string, string>, b: Record<string, string>) => JSON.stringify(a) === JSON.stringify(b);

/** The compiled module for `configFile` if every input is unchanged, else undefined. */
export function cachedModule(folder: string, configFile: string, aliases: Record<string, string>): string | undefined {
  const manifest = readManifest(manifestPath(folder, configFile));
  if (!manifest || manifest.recipe !== RECIPE || manifest.inputs[0]?.[0] !== configFile || !sameAliases(manifest.aliases ?? {}, aliases)) return undefined;
  for (const [input, hash] of manifest.inputs) if (hashOf(input) !== hash) return undefined;
  const output = path.join(folder, manifest.output);
  const code = readPrivateFile(output);
  // Its name is its hash: a file that does not read back whole is not used.
  return code && `${sha256(code)}.mjs` === manifest.output ? output : undefined;
}

/** Stores a compile; returns the module's path. Old modules no manifest names are removed. */
export function storeModule(folder: string, configFile: string, aliases: Record<string, string>, compiled: CompiledConfig): string {
  const name = `${sha256(compiled.code)}.mjs`;
  const output = path.join(folder, name);
  if (readPrivateFile(output)?.toString('utf8') !== compiled.code) writePrivateFile(output, compiled.code);
  const manifest: Manifest = { recipe: RECIPE, aliases, inputs: compiled.inputs, output: name };
  writePrivateFile(manifestPath(folder, configFile), `${JSON.stringify(manifest, null, 2)}\n`);
  prune(folder);
  return output;
}

/**
 * Bounded disk: only the modules some manifest names stay (one per config file in the folder), and no temporary
 * file a killed land left. Anything younger than a minute stays: it may be another land's compile, between its
 * module and its manifest.
 */
function prune(folder: string): void {
  const names = readdirSync(folder);
  const kept = new Set(names.filter((name) => name.endsWith('.json')).map((name) => readManifest(path.join(folder, name))?.output));
  for (const name of names) {
    const file = path.join(folder, name);
    const stale = (OUTPUT.test(name) && !kept.has(name)) || name.endsWith('.tmp');
    if (stale && ageMs(file) > 60_000) rmSync(file, { force: true });
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * The files compiled into a TypeScript config's cached module (the config and its local imports, absolute), as its
 * manifest names them; none when there is no manifest (`land up --watch-config` then watches the config alone).
 */
export function compiledInputs(configFile: string): string[] {
  const manifest = readManifest(manifestPath(path.join(path.dirname(configFile), '.land', 'cache', 'config'), configFile));
  if (!manifest || manifest.inputs[0]?.[0] !== configFile) return [];
  return manifest.inputs.map(([input]) => input).filter((input) => !input.split(path.sep).includes('node_modules'));
}
