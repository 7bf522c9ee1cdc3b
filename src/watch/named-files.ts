/**
 * Watching a few named files (`land up --watch-config`): an inotify watch (node's fs.watch) on each of their folders,
 * with only their names taken. A watch on the folder, not on the file: an editor that saves by writing a new file and
 * renaming it over the old one (vim, VS Code's atomic save) replaces the inode a watch on the file holds, while the
 * folder's watch sees the rename, and every later write, whatever inode the name has by then. chokidar (a tier's
 * `watch`) was tried first, on the folders with every other name ignored, and dropped: after a burst of writes in
 * place and renames over one name it saw none of the later saves (docs/decisions.md, sixteenth wave).
 * The same quiet-period debounce as a tier's watch: a save in several steps (truncate, then write) is one burst.
 */
import { watch, type FSWatcher } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { burstOf } from './burst.js';

export interface NamedFilesOptions {
  /** Files that may not exist yet (an env file, a `.Sample`) are watched for their creation. */
  files: readonly string[];
  debounceMs: number;
  /** The files changed in one burst (absolute paths), in the order they first changed. */
  onBurst(files: string[]): void;
  onError(message: string): void;
}

export interface NamedFilesWatcher {
  /** Watch these files from now on instead (what a config applied reads may differ: another profile, env file). */
  set(files: readonly string[]): void;
  close(): void;
}

export function watchNamedFiles(options: NamedFilesOptions): NamedFilesWatcher {
  let files = new Set<string>();
  const folders = new Map<string, FSWatcher>();
  const burst = burstOf(options.debounceMs, (changed) => options.onBurst(changed));
  const seen = (file: string) => {
    if (files.has(file)) burst.seen(file);
  };
  const watchFolder = (folder: string) => {
    try {
      // Never keeps land alive on its own (closed at shutdown all the same).
      const watcher = watch(folder, { persistent: false }, (_event, name) => name && seen(join(folder, name.toString())));
      watcher.on('error', (error) => options.onError(`${folder}: ${error.message}`));
      folders.set(folder, watcher);
    } catch (error) {
      // A folder that is not there (no profiles/ yet) holds none of the files: nothing to watch in it.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') options.onError(`${folder}: ${(error as Error).message}`);
    }
  };
  const set = (next: readonly string[]) => {
    files = new Set(next.map((file) => resolve(file)));
    const wanted = new Set([...files].map((file) => dirname(file)));
    for (const [folder, watcher] of folders) {
      if (wanted.has(folder)) continue;
      watcher.close();
      folders.delete(folder);
    }
    for (const folder of wanted) if (!folders.has(folder)) watchFolder(folder);
  };
  set(options.files);
  return {
    set,
    close() {
      burst.cancel();
      for (const watcher of folders.values()) watcher.close();
      folders.clear();
    },
  };
}
