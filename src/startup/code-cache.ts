/**
 * Loads the bundled CLI (dist/cli, CommonJS) with a V8 code cache: node 20 keeps none for ES modules
 * (`module.enableCompileCache` is node 22), and compiling the ≈ 360 KB `land up` runs before its first spawn was
 * ≈ 20–40 ms of every start. Each script of the bundle is compiled through `vm.Script` with the cached data of an
 * earlier run; what had none, or whose data V8 rejected (another node, other flags), is compiled as usual and its
 * data (with the functions compiled by then) written shortly after loading settles and when the command is done (not
 * in an exit handler: a stack's children are stopped first). The cache is keyed by node's version, the architecture,
 * the bundle's build id (dist/cli/package.json, written by scripts/bundle.mjs) and the V8 flags bin/land.js set
 * before loading (`land up`'s: src/runtime/v8-flags.ts); each entry is stamped with its source file's inode, size
 * and change time (`sourceStamp`: V8 itself checks only the source's length), kept private (0700 folder, 0600 files, never read through
 * a link or from a file another user owns or others can write), and optional: any failure falls back to a plain compile. `LAND_CODE_CACHE=0` turns
 * it off; `LAND_CODE_CACHE_DIR` moves it (default `$XDG_CACHE_HOME/land/code-cache` or `~/.cache/land/code-cache`).
 * Built into dist/cli/code-cache.cjs by scripts/bundle.mjs and loaded by bin/land.js before anything else.
 */
import { lstatSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { readPrivateFile, writePrivateFile } from '../control/private-dir.js';
import { onV8FlagsChange } from '../runtime/v8-flags.js';
import { wrapScript } from './script-wrapper.js';
import { registerCodeCacheWriter } from './write-code-cache.js';

// bin/land.js sets `land up`'s V8 flags between loading this file and the bundle.
export { leanV8Flags } from '../runtime/v8-flags.js';

/** How long after the last script compiled without a cache its data is written (loading has settled by then). */
const SETTLE_MS = 250;
const uid = process.getuid?.();
/** How many builds' (or nodes') caches are kept: a few builds run side by side (an A/B bench, two checkouts). */
const KEEP_FOLDERS = 4;
/** The names of the cache's folders (node version, architecture, build id): the only ones land ever removes. */
const CACHE_FOLDER = /^v\d+\.\d+\.\d+-\w+-[\w-]+$/;

interface CacheFolder {
  /** Where this node and this build keep their data. */
  dir: string;
  /** What holds the folders of every node and build (others are removed when this one is written). */
  parent: string;
  /** The usual place (LAND_CODE_CACHE_DIR did not name one), which another user may have taken (`ownedElsewhere`). */
  usual?: boolean;
  /** A folder that must be this user's and private too (the per-user fallback's `land-<uid>` in the temp dir). */
  trust?: string;
}

/** An absolute folder from the environment (the XDG spec calls a relative one invalid), else undefined. */
const absolute = (value: string | undefined) => (value && path.isAbsolute(value) ? value : undefined);

/**
 * Where this node, this build and this set of V8 flags (`flagsTag`: V8 rejects data written under other flags, so
 * `land up`'s and the other commands' must not share files) keep their data; undefined: no cache.
 */
function cacheFolder(buildId: string, flagsTag: string): CacheFolder | undefined {
  if (process.env.LAND_CODE_CACHE === '0' || !/^[\w-]+$/.test(buildId)) return undefined;
  try {
    const base = absolute(process.env.XDG_CACHE_HOME) ?? path.join(homedir(), '.cache');
    const parent = absolute(process.env.LAND_CODE_CACHE_DIR) ?? path.join(base, 'land', 'code-cache');
    const tag = flagsTag ? `-${flagsTag}` : '';
    const usual = absolute(process.env.LAND_CODE_CACHE_DIR) === undefined;
    return { parent, usual, dir: path.join(parent, `${process.version}-${process.arch}-${buildId}${tag}`) };
  } catch {
    return undefined; // no home folder (a uid without a passwd entry and no HOME): no cache
  }
}

/** A folder only this user can change, not a link: what the cache may be read from and written to. */
function isPrivateFolder(dir: string): boolean {
  try {
    const stat = lstatSync(dir);
    return stat.isDirectory() && (uid === undefined || stat.uid === uid) && (stat.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

/** The deepest folder on the way to `dir` that exists (`dir` itself, or one above it). */
function existingAncestor(dir: string): string | undefined {
  for (let at = dir; ; at = path.dirname(at)) {
    try {
      lstatSync(at);
      return at;
    } catch {
      if (at === path.dirname(at)) return undefined;
    }
  }
}

/**
 * When the usual cache is another user's (a `sudo land` that kept HOME made ~/.cache/land root's, and it would stay
 * off for good): a per-user folder in the temp dir instead, `land-<uid>/code-cache` (beside the control socket's
 * fallback), trusted only while `land-<uid>` is this user's own, private and not a link, in a temp dir others cannot
 * write without the sticky bit (isSafeParent). Looked at only when the usual folder cannot be used (a first run, or
 * this), so a warm start pays nothing for it.
 */
function ownedElsewhere(folder: CacheFolder): CacheFolder | undefined {
  if (uid === undefined || !folder.usual) return undefined;
  try {
    const found = existingAncestor(folder.dir);
    if (found === undefined || lstatSync(found).uid === uid) return undefined;
  } catch {
    return undefined; // gone meanwhile: the usual folder, as before
  }
  const trust = path.join(tmpdir(), `land-${uid}`);
  const parent = path.join(trust, 'code-cache');
  return { parent, trust, dir: path.join(parent, path.basename(folder.dir)) };
}

/**
 * No one else can rename or replace what is in `dir` (the temp dir that holds `land-<uid>`): it is root's or this
 * user's, and either writable by its owner alone or sticky (/tmp). In a folder others may write without the sticky
 * bit, a private `land-<uid>` could be swapped for theirs between land's look and its use: no cache there.
 */
function isSafeParent(dir: string): boolean {
  try {
    const stat = statSync(dir);
    const owner = uid === undefined || stat.uid === 0 || stat.uid === uid;
    return owner && ((stat.mode & 0o022) === 0 || (stat.mode & 0o1000) !== 0);
  } catch {
    return false;
  }
}

/** A folder the cache must be found under (`trust`) is private, and so is what holds it. */
const isTrusted = (trust: string) => isPrivateFolder(trust) && isSafeParent(path.dirname(trust));

/** The folder may be read and written: private, as is the folder it must be found under. */
const isUsable = (folder: CacheFolder) => isPrivateFolder(folder.dir) && (folder.trust === undefined || isTrusted(folder.trust));

/** Removes all but the KEEP_FOLDERS most recently written folders of the cache (other nodes, builds). */
function pruneFolders(parent: string): void {
  const folders = readdirSync(parent)
    .filter((name) => CACHE_FOLDER.test(name))
    .map((name) => ({ name, written: lstatSync(path.join(parent, name)).mtimeMs }))
    .sort((a, b) => b.written - a.written);
  for (const { name } of folders.slice(KEEP_FOLDERS)) rmSync(path.join(parent, name), { recursive: true, force: true });
}

/**
 * What the data of a script is valid for: the file it was compiled from, as it is on disk (inode, size, change time
 * in ns). V8 checks a cache only against the source's length (and its version and flags), and the build id names the
 * bundle as it was built: a file changed after that (a build stopped between writing main.js and its manifest, a
 * patched dist, a copy over it) would run the bytecode of other code. A stat, not a hash of the source: ≈ 10 µs per
 * script against ≈ 1 ms for hashing 360 KB (and loading node:crypto). `length`: the source's, which node read; a
 * file of another size (the bundle is ASCII: one byte per character) is not that source: undefined, no cache.
 */
function sourceStamp(filename: string, length: number): string | undefined {
  try {
    const stat = statSync(filename, { bigint: true });
    if (stat.size !== BigInt(length)) return undefined;
    // Padded to a multiple of 8 bytes, so V8's data after it stays aligned (V8 copies data that is not).
    const line = `${stat.ino}-${stat.size}-${stat.ctimeNs}`;
    return `${line.padEnd(Math.ceil((line.length + 1) / 8) * 8 - 1)}\n`;
  } catch {
    return undefined;
  }
}

/** A script compiled without usable data, to be written: a cache entry is its source's stamp (a line), then V8's data. */
interface Pending {
  script: vm.Script;
  filename: string;
  length: number;
  stamp: string;
}

/** Writes `pending` scripts' data into the folder (made private), and prunes the folders of other nodes and builds. */
function writeCache(folder: CacheFolder, pending: Map<string, Pending>): void {
  if (pending.size === 0) return;
  const scripts = [...pending];
  pending.clear();
  try {
    if (folder.trust !== undefined) {
      // Made here if absent (0700) and only in a folder others cannot swap it in; one someone else made first is not
      // written into.
      if (!isSafeParent(path.dirname(folder.trust))) return;
      mkdirSync(folder.trust, { recursive: true, mode: 0o700 });
      if (!isTrusted(folder.trust)) return;
    }
    mkdirSync(folder.dir, { recursive: true, mode: 0o700 });
    if (!isUsable(folder)) return;
    for (const [name, { script, filename, length, stamp }] of scripts) {
      // Changed since it was compiled (a build meanwhile): its data would be stamped as the new file's.
      if (sourceStamp(filename, length) !== stamp) continue;
      writePrivateFile(path.join(folder.dir, name), Buffer.concat([Buffer.from(stamp, 'latin1'), script.createCachedData()]));
    }
    pruneFolders(folder.parent);
  } catch {
    // No cache this time (a read-only home, a full disk): the next start compiles as usual.
  }
}

type Compile = (this: Module, content: string, filename: string) => unknown;

/**
 * Compiles a script of the bundle with the cached data in `dataFile` (if any); `cached`: V8 took the data. In a
 * function of its own so that nothing references the data (≈ 0.4 MB for `land up`'s chunk) once compiled: held by
 * the caller's frame while the module's body runs and requires the rest, the buffer outlived a few scavenges, was
 * promoted and stayed resident until a full collection, as did its copy in every child forked meanwhile.
 */
function compile(content: string, filename: string, readEntry: () => Buffer | undefined, stamp: string): { script: vm.Script; cached: boolean } {
  const entry = readEntry();
  // Data stamped for another file (or for none: an entry of an older land) is not offered to V8.
  const cachedData = entry && entry.length > stamp.length && entry.toString('latin1', 0, stamp.length) === stamp ? entry.subarray(stamp.length) : undefined;
  const script = new vm.Script(wrapScript(content), { filename, cachedData });
  return { script, cached: cachedData !== undefined && !script.cachedDataRejected };
}

/** `__landImport`: the bundle's `import(…)` (scripts/bundle.mjs), which node 20 cannot run from a script compiled
 * from cached data. */
const landImport = (specifier: string): Promise<unknown> => import(specifier);

/**
 * Compiles the bundle's scripts (those under `root`) with the cache from now on: what node's own `_compile` does for
 * them, plus cached data (none with LAND_CODE_CACHE=0, or when the cache is unusable).
 */
function installCompileHook(root: string, usual: CacheFolder | undefined): void {
  const proto = Module.prototype as unknown as { _compile: Compile };
  const original = proto._compile;
  const folder = usual && !isPrivateFolder(usual.dir) ? (ownedElsewhere(usual) ?? usual) : usual;
  const usable = folder !== undefined && isUsable(folder);
  const pending = new Map<string, Pending>();
  let timer: NodeJS.Timeout | undefined;
  // Once a V8 flag has changed, what compiles from then on would be written under flags the next start has not.
  let flagsChanged = false;
  flushPending = () => {
    clearTimeout(timer);
    if (folder) writeCache(folder, pending);
  };
  // The bundle may ask for the write earlier (`land up`, once its first child is spawned: write-code-cache.ts).
  registerCodeCacheWriter(() => flushPending());
  onV8FlagsChange(() => {
    flushPending();
    flagsChanged = true;
  });
  const nameOf = (filename: string) => `${path.relative(root, filename).replaceAll(path.sep, '__')}.v8`;
  // A script's data is read before node reads its source: glibc raises its mmap threshold to the size of each mmapped
  // chunk freed, and node's read of the stack's chunk (a buffer doubled to 512 KiB) would otherwise put the 0.45 MiB
  // of data read after it in glibc's heap, which keeps it resident once freed (and copies it into every child forked
  // before its exec: docs/decisions.md, "Start-up and peak RSS (seventeenth wave)"). Read first, the data is mapped
  // apart and unmapped when freed.
  const readFirst = new Map<string, Buffer | undefined>();
  const extensions = (Module as unknown as { _extensions: Record<string, (module: Module, filename: string) => void> })._extensions;
  const loadJs = extensions['.js']!;
  extensions['.js'] = function loadScript(module: Module, filename: string): void {
    if (usable && filename.startsWith(root)) readFirst.set(filename, readPrivateFile(path.join(folder.dir, nameOf(filename))));
    try {
      loadJs.call(this, module, filename);
    } finally {
      readFirst.delete(filename);
    }
  };
  proto._compile = function compileCached(this: Module, content: string, filename: string): unknown {
    // node's own arguments, whatever their number (newer nodes pass a third).
    if (!filename.startsWith(root)) return original.apply(this, arguments as unknown as [string, string]);
    const name = nameOf(filename);
    const stamp = folder ? sourceStamp(filename, content.length) : undefined;
    // Taken inside compile(), so that nothing here holds the data while the module's body runs.
    const readEntry = (): Buffer | undefined => {
      const [readBefore, first] = [readFirst.has(filename), readFirst.get(filename)];
      readFirst.delete(filename);
      if (!usable || !stamp) return undefined;
      return readBefore ? first : readPrivateFile(path.join(folder.dir, name));
    };
    const { script, cached } = compile(content, filename, readEntry, stamp ?? '');
    if (folder && stamp && !flagsChanged && !cached) {
      pending.set(name, { script, filename, length: content.length, stamp });
      clearTimeout(timer);
      timer = setTimeout(flushPending, SETTLE_MS).unref();
    }
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return wrapper.call(this.exports, this.exports, createRequire(filename), this, filename, path.dirname(filename), landImport);
  };
}

/** Writes the data of what compiled without a usable cache, now (bin/land.js calls it once the command is done). */
let flushPending = (): void => undefined;
export const flushCodeCache = (): void => flushPending();

/**
 * Loads dist/cli/main.js (`mainFile`), through the code cache when the bundle is CommonJS (not a source-map build).
 * `flagsTag` names the V8 flags bin/land.js set before (empty: none), which the cache's folder is kept apart by.
 */
export async function loadCli(mainFile: string, flagsTag = ''): Promise<{ main(argv: string[]): Promise<number> }> {
  // node names a required file by its real path: so must the folder whose scripts are compiled here (a package
  // reached through a link, as pnpm and `npm link` make), or they would miss `__landImport`.
  const root = path.dirname(realpathSync(mainFile));
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { type?: string; buildId?: string };
  if (manifest.type === 'module') return (await import(pathToFileURL(mainFile).href)) as { main(argv: string[]): Promise<number> };
  installCompileHook(root + path.sep, cacheFolder(manifest.buildId ?? '', flagsTag));
  return createRequire(mainFile)(mainFile) as { main(argv: string[]): Promise<number> };
}
