/**
 * Watching one tier's files: chokidar (inotify on Linux, no polling: an idle watch costs nothing) over the folders
 * the globs start from, picomatch for the globs, and a quiet-period debounce so a burst (a `git checkout`, a build
 * writing fifty files) is one callback. Loaded only when some tier watches (restart-on-change.ts imports it lazily).
 */
import { relative, resolve, sep } from 'node:path';
import { watch } from 'chokidar';
import picomatch from 'picomatch';
import type { ResolvedWatch } from '../config/types.js';
import { burstOf } from './burst.js';

/** Never watched: dependencies, git's own files, and land's logs (a tier logging would restart itself forever). */
export const ALWAYS_IGNORED = ['**/node_modules/**', '**/.git/**', '**/.land/**'];

export interface FileWatcherOptions {
  cwd: string;
  spec: ResolvedWatch;
  /** The changed files of one burst, relative to cwd, in the order they first changed. */
  onBurst(files: string[]): void;
  onError(message: string): void;
}

export interface FileWatcher {
  /** Resolves once the initial scan is done: changes from then on are seen. */
  ready: Promise<void>;
  close(): Promise<void>;
}

const GLOB_CHARS = /[*?[\]{}()!]/;

/** The folder a glob's matches live under: its leading parts without a glob character (`src/**` → `src`). */
export function globRoot(glob: string): string {
  const parts = glob.split('/');
  const fixed: string[] = [];
  for (const part of parts.slice(0, -1)) {
    if (GLOB_CHARS.test(part)) break;
    fixed.push(part);
  }
  if (fixed.length === parts.length - 1 && !GLOB_CHARS.test(parts.at(-1)!)) return glob; // a plain path
  return fixed.join('/') || '.';
}

/** `./src` and `src` are one folder, and a plain folder means everything under it. */
function patternsOf(paths: readonly string[]): string[] {
  return paths.flatMap((path) => {
    const clean = path.replace(/^(\.\/)+/, '').replace(/\/+$/, '') || '.';
    if (GLOB_CHARS.test(clean)) return [clean];
    return clean === '.' ? ['**'] : [clean, `${clean}/**`];
  });
}

const toPosix = (path: string) => (sep === '/' ? path : path.split(sep).join('/'));

export function watchFiles(options: FileWatcherOptions): FileWatcher {
  const { cwd, spec } = options;
  const matches = picomatch(patternsOf(spec.paths), { dot: true });
  const ignored = picomatch([...ALWAYS_IGNORED, ...spec.ignore], { dot: true });
  const roots = [...new Set(spec.paths.map(globRoot))].map((root) => resolve(cwd, root));
  const watcher = watch(roots, {
    ignoreInitial: true,
    // Never keeps land alive on its own: the watcher is closed at shutdown, and must not hold up an exit if not.
    persistent: false,
    ignored: (path: string) => {
      const rel = toPosix(relative(cwd, path));
      return rel !== '' && ignored(rel);
    },
  });

  const burst = burstOf(spec.debounceMs, (files) => options.onBurst(files));
  watcher.on('all', (event, path) => {
    const rel = toPosix(relative(cwd, path));
    const file = event !== 'addDir' && event !== 'unlinkDir';
    if (file && (!matches(rel) || ignored(rel))) return;
    // A folder is activity, not a change: it extends a burst in progress (a checkout creating folders).
    burst.seen(file ? rel : undefined);
  });
  watcher.on('error', (error) => options.onError(error instanceof Error ? error.message : String(error)));
  const ready = new Promise<void>((done) => watcher.once('ready', () => done()));
  return {
    ready,
    close: async () => {
      burst.cancel();
      await watcher.close();
    },
  };
}
