/**
 * Finding a project's stack definition from anywhere inside it, as git and npm do: the nearest folder, from the
 * current one upwards, that holds a land config (or, failing that, a foreman `Procfile`). Light on purpose (node:fs
 * and node:path only): control clients use it to find the socket without loading the config loader.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import { displayPath } from './display-path.js';

/** Looked for in this order in each folder when no file is named. */
export const CONFIG_FILE_NAMES = ['land.config.ts', 'land.config.mts', 'land.config.js', 'land.config.mjs'] as const;
/** foreman's file: used when a folder has no land config (src/procfile/). */
export const PROCFILE_NAME = 'Procfile';
/**
 * The Procfiles looked for, in this order, when a folder has no land config: `Procfile.dev` first, as Rails' `bin/dev`
 * runs it: beside a `Procfile` it is the one written for development (the Procfile is then the deploy's).
 */
export const PROCFILE_NAMES = ['Procfile.dev', PROCFILE_NAME] as const;

/** The flags that name a stack file: `-c/--config` (a file or a folder) or `-f/--procfile` (a file read as a Procfile). */
export interface StackFlags {
  config?: string;
  procfile?: string;
}

export interface StackFile {
  kind: 'config' | 'procfile';
  /** Absolute path of the file; its folder is the project root (where .land/ lives). */
  file: string;
}

/** A land config in this very folder, else a Procfile, else nothing. */
function stackFileIn(folder: string): StackFile | undefined {
  for (const name of CONFIG_FILE_NAMES) {
    const file = path.join(folder, name);
    if (existsSync(file)) return { kind: 'config', file };
  }
  for (const name of PROCFILE_NAMES) {
    const procfile = path.join(folder, name);
    if (existsSync(procfile) && statSync(procfile).isFile()) return { kind: 'procfile', file: procfile };
  }
  return undefined;
}

/** The nearest stack file from `start` up to the file-system root, or undefined. */
export function findUpwards(start: string): StackFile | undefined {
  for (let folder = path.resolve(start); ; ) {
    const found = stackFileIn(folder);
    if (found) return found;
    const parent = path.dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}

/** `Procfile`, `Procfile.dev`, `Procfile.local`…: foreman's names; anything else given to -c is a land config. */
function kindOf(file: string): StackFile['kind'] {
  const name = path.basename(file);
  return name === PROCFILE_NAME || name.startsWith(`${PROCFILE_NAME}.`) ? 'procfile' : 'config';
}

/** `-f/--procfile`: that very file, whatever its name, read as a Procfile (overmind's -f, foreman's -f). */
function givenProcfile(procfile: string, base: string): StackFile {
  const given = path.resolve(base, procfile);
  if (!existsSync(given)) throw new InputError(`--procfile: ${displayPath(given)}: file not found`);
  if (!statSync(given).isFile()) throw new InputError(`--procfile: ${displayPath(given)}: expected a file, not a folder`);
  return { kind: 'procfile', file: given };
}

const LOOKED_FOR = `${CONFIG_FILE_NAMES.join(', ')}, ${PROCFILE_NAMES.join(' or ')}`;

/**
 * The stack file for `-f/--procfile`, `-c/--config` (a file, or a folder to look in without walking up) or, without
 * either, the nearest one from `cwd` upwards. Nothing found is an InputError saying where land looked. A bare string
 * is a `-c` value.
 */
export function locateStack(flags: StackFlags | string | undefined, cwd = process.cwd()): StackFile {
  const base = path.resolve(cwd);
  const { config: configPath, procfile } = typeof flags === 'string' ? { config: flags, procfile: undefined } : (flags ?? {});
  if (procfile !== undefined) return givenProcfile(procfile, base);
  if (configPath !== undefined) {
    const given = path.resolve(base, configPath);
    if (!existsSync(given)) throw new InputError(`${displayPath(given)}: config file not found`);
    if (!statSync(given).isDirectory()) return { kind: kindOf(given), file: given };
    const found = stackFileIn(given);
    if (found) return found;
    throw new InputError(`no ${LOOKED_FOR} in ${displayPath(given) || '.'}: create one with \`land init\` or pass --config`);
  }
  const found = findUpwards(base);
  if (found) return found;
  throw new InputError(
    `no ${LOOKED_FOR} in ${displayPath(base) || '.'} or any folder above it: create one with \`land init\` or pass --config or --procfile`,
  );
}
