/**
 * The folders land keeps its socket and pid file in (`.land/run`, or `$TMPDIR/land-<uid>` for a long path) are
 * made private without trusting what is already there: never followed through a symbolic link, never chmodded when
 * another user owns them, and a file in their place is a one-line error. The folder is opened with O_NOFOLLOW and
 * O_DIRECTORY and changed through that descriptor, so it cannot be swapped for a link between check and chmod.
 * The files land keeps in such folders (the pid file, the compiled config cache) are written and read back with
 * writePrivateFile and readPrivateFile.
 */
import {
  accessSync,
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readlinkSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { displayPath } from '../config/display-path.js';
import { InputError } from '../errors.js';

const PRIVATE = 0o700;

/** What stands at `dir`: absent, a folder, a link, or some other kind of file. */
function kindAt(dir: string): 'absent' | 'folder' | 'link' | 'file' {
  try {
    const stat = lstatSync(dir);
    return stat.isSymbolicLink() ? 'link' : stat.isDirectory() ? 'folder' : 'file';
  } catch (error) {
    // ENOTDIR: a file stands in place of a parent folder, which ensureStateFolder then reports.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'absent';
    throw error;
  }
}

function refuse(dir: string, problem: string, advice: string): never {
  throw new InputError(`${displayPath(dir)}: ${problem}: land will not use it (${advice})`);
}

/** `EPERM (operation not permitted)`: the code and node's reason, without the path (the message names it first). */
export function reason(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  const why = /^[A-Z]+: ([^,]+)/.exec(message)?.[1];
  return why ? `${code} (${why})` : String(code ?? message);
}

/** A folder that cannot be made (a read-only or immutable parent, no permission): one line, as bad input. */
function makeFolder(dir: string, options: { mode?: number; recursive?: boolean }): void {
  try {
    mkdirSync(dir, options);
  } catch (caught) {
    const error = options.recursive ? realMkdirError(dir, caught, options.mode) : caught;
    if (error === undefined) return;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && !options.recursive) throw error;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOSPC' || code === 'EDQUOT') {
      const parent = displayPath(path.dirname(dir)) || '.';
      throw new InputError(`${displayPath(dir)}: expected a folder land can create, got ${reason(error)} (land keeps its state there: make ${parent} writable)`);
    }
    throw error;
  }
}

/**
 * Node's recursive mkdir says ENOENT for any failure of the last folder when its parent exists (a read-only file
 * system's EROFS among them): one plain mkdir of that folder then gives the real code. Undefined when that one
 * made it (or found it made meanwhile).
 */
function realMkdirError(dir: string, error: unknown, mode?: number): unknown {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !isFolder(path.dirname(dir))) return error;
  try {
    mkdirSync(dir, { mode });
    return undefined;
  } catch (again) {
    return (again as NodeJS.ErrnoException).code === 'EEXIST' ? undefined : again;
  }
}

function isFolder(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** A link whose target is missing: `mkdir` would fail under it with ENOENT. */
function refuseDanglingLink(dir: string): void {
  let target: string;
  try {
    if (!lstatSync(dir).isSymbolicLink()) return;
    target = readlinkSync(dir);
  } catch {
    return;
  }
  refuse(dir, `expected a folder, found a symbolic link to ${target}, which does not exist`, 'create the folder it points to, or remove the link; land creates the folder itself');
}

/** A folder land's state goes into (`.land`): it may be a link the user made, but must lead to a folder. */
export function ensureStateFolder(dir: string): void {
  let isFolder = false;
  try {
    isFolder = statSync(dir).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') ensureStateFolder(path.dirname(dir));
    if (code !== 'ENOENT') throw error;
    refuseDanglingLink(dir);
    ensureStateFolder(path.dirname(dir));
    makeFolder(dir, { recursive: true });
    return;
  }
  if (!isFolder) refuse(dir, 'expected a folder, found a file', 'move the file away; land creates the folder itself');
}

/**
 * A state folder land will write in (`.land/logs`, where each boot makes its folder), checked before anything starts
 * and left as it is: one line when it is a file, a link to nothing, or a folder (or, absent, a parent) that cannot be
 * written (read-only, immutable, another user's). Bad input now rather than a raw mkdir error once ports listen.
 */
export function checkWritableFolder(dir: string): void {
  let target = dir;
  try {
    if (!statSync(dir).isDirectory()) refuse(dir, 'expected a folder, found a file', 'move the file away; land creates the folder itself');
  } catch (error) {
    if (error instanceof InputError) throw error;
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    refuseDanglingLink(dir);
    // Absent: the boot makes it, in its parent.
    target = path.dirname(dir);
  }
  try {
    accessSync(target, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new InputError(`${displayPath(target)}: expected a folder land can write in, got ${reason(error)} (make it writable, or remove it: land creates the folder itself)`);
  }
}

/** `dir` exists as a real folder of this user's, mode 0700. */
export function ensurePrivateFolder(dir: string): void {
  const kind = kindAt(dir);
  if (kind === 'link') refuse(dir, 'is a symbolic link', 'remove the link; land creates the folder itself');
  if (kind === 'file') refuse(dir, 'expected a folder, found a file', 'move the file away; land creates the folder itself');
  if (kind === 'absent') {
    ensureStateFolder(path.dirname(dir));
    try {
      makeFolder(dir, { mode: PRIVATE });
    } catch (error) {
      // Made by someone else in between: checked below like any existing folder.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  let fd: number;
  try {
    fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') refuse(dir, 'is a symbolic link', 'remove the link; land creates the folder itself');
    if (code === 'ENOTDIR') refuse(dir, 'expected a folder, found a file', 'move the file away; land creates the folder itself');
    throw error;
  }
  try {
    const stat = fstatSync(fd);
    const uid = process.getuid?.();
    if (uid !== undefined && stat.uid !== uid) {
      refuse(dir, `is owned by another user (uid ${stat.uid}, land runs as uid ${uid})`, 'remove it, or run land as its owner');
    }
    if ((stat.mode & 0o777) !== PRIVATE) fchmodSync(fd, PRIVATE);
  } finally {
    closeSync(fd);
  }
}

/** Temporary files this process has written (a part of their names). */
let temporaries = 0;

/**
 * Written beside its final name (created exclusively, mode 0600: `wx` never follows a link) and renamed over it: a
 * reader sees the old file or the new one, never half of one, and a link standing at the name is replaced, never
 * written through. The temporary name ends in `.tmp` (what a killed land leaves is recognisable).
 */
export function writePrivateFile(file: string, data: string | Uint8Array): void {
  // Unique without node:crypto (every command writes its code cache through here, and crypto cost `land --version`
  // ≈ 10 ms of CPU to load): the pid, the time, a count and a random part (two lands in different pid namespaces
  // may share a pid and a millisecond). It needs to be unique, not secret: `wx` refuses a name that exists.
  const temporary = `${file}.${process.pid}-${Date.now().toString(36)}-${(temporaries += 1)}-${Math.random().toString(36).slice(2, 10)}.tmp`;
  try {
    writeFileSync(temporary, data, { mode: 0o600, flag: 'wx' });
    renameSync(temporary, file);
  } catch (error) {
    // This call's own file (a write or a rename that failed); a name another process's file holds is left to it.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') removeFile(temporary);
    throw error;
  }
}

/**
 * A file removed if it is there. unlink, not rmSync: on Node 20 rmSync loads its rimraf module, which `land up` must
 * not load before its first spawn (test/cli/builtins-before-flags.test.ts).
 */
export function removeFile(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * The contents of a file land wrote: a regular file (never through a link) of this user's that neither group nor
 * others can write; undefined for anything else, or when it cannot be read.
 */
export function readPrivateFile(file: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    const uid = process.getuid?.();
    if (!stat.isFile() || (uid !== undefined && stat.uid !== uid) || (stat.mode & 0o022) !== 0) return undefined;
    return readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
