/**
 * The local files a config's load looked for and did not find (`import { more } from './more.ts'` saved before
 * more.ts): what `land up --watch-config` watches after refusing that save, so the file's appearance applies it
 * (src/watch/config-watch.ts). Read from the error node or jiti threw, never guessed from the config's text:
 * jiti's (and require's) MODULE_NOT_FOUND names the specifier and the file that imported it (`requireStack`),
 * node's ESM loader's ERR_MODULE_NOT_FOUND the absolute URL it looked for. A package (`lodash`) is no local file.
 * Likewise a local import that is there but does not compile (BrokenImport): the file the error names, whose save
 * then applies the refused save again.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors.js';

/** A config that failed to load because a local file it imports is not there (yet). */
export class MissingImport extends InputError {
  constructor(
    message: string,
    /** The absolute paths looked for, as written (`./more` without its extension). */
    readonly files: readonly string[],
  ) {
    super(message);
  }
}

/** A config that failed to load because a local file it imports does not compile (or throws as it loads). */
export class BrokenImport extends InputError {
  constructor(
    message: string,
    /** The absolute paths of the imported files the error names. */
    readonly files: readonly string[],
  ) {
    super(message);
  }
}

/**
 * The local files other than the config itself that a load error names (its message and stack: a compile's
 * `ParseError: … /app/more.ts:1:21`, a throw's frames), in the config's folder and there: what a save of may mend the
 * load. Not land's own files or a package's (node_modules), nor land's compile cache (`.land/`).
 */
export function brokenImports(config: string, named: readonly string[]): string[] {
  const root = path.dirname(path.resolve(config));
  const inside = (file: string) => file.startsWith(`${root}${path.sep}`) && !file.split(path.sep).includes('.land');
  return named.filter((file) => file !== path.resolve(config) && inside(file) && existsSync(file));
}

/** What `land up --watch-config` waits for after a refused save: the names a missing import may appear under, a broken one's file. */
export function awaitedFiles(cause: unknown): string[] {
  if (cause instanceof MissingImport) return cause.files.flatMap(awaitedNames);
  return cause instanceof BrokenImport ? [...cause.files] : [];
}

/** The paths a load error says were looked for and not found; none for any other error. */
export function missingImports(error: unknown): string[] {
  const { code, message, requireStack, url } = (error ?? {}) as NodeJS.ErrnoException & { requireStack?: unknown; url?: unknown };
  if (code === 'ERR_MODULE_NOT_FOUND' && typeof url === 'string' && url.startsWith('file:')) return [fileURLToPath(url)];
  if (code !== 'MODULE_NOT_FOUND' || typeof message !== 'string') return [];
  const specifier = /^Cannot find module '([^']+)'/.exec(message)?.[1];
  if (!specifier || !/^\.{0,2}\//.test(specifier)) return [];
  const importer = Array.isArray(requireStack) && typeof requireStack[0] === 'string' ? requireStack[0] : undefined;
  if (path.isAbsolute(specifier)) return [specifier];
  return importer ? [path.resolve(path.dirname(importer), specifier)] : [];
}

/** What an import of `file` may resolve to (jiti's and the compile's extensions, a folder's index). */
const EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.tsx', '.mts', '.cts', '.json'];

/**
 * The names whose appearance may let a missing import resolve: the path, the path with an extension, and, where its
 * folder is not there either, the first folder of the way that is missing (once it appears, a retry that fails again
 * names the path again, and the watch goes one folder deeper).
 */
export function awaitedNames(file: string): string[] {
  let missing = path.dirname(file);
  if (!existsSync(missing)) {
    while (!existsSync(path.dirname(missing)) && path.dirname(missing) !== missing) missing = path.dirname(missing);
    return [missing];
  }
  return [file, ...EXTENSIONS.map((extension) => `${file}${extension}`)];
}
