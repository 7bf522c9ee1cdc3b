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
  const procfile = path.join(folder, PROCFILE_NAME);
  return existsSync(procfile) && statSync(procfile).isFile() ? { kind: 'procfile', file: procfile } : undefined;
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

function kindOf(file: string): StackFile['kind'] {
  return path.basename(file) === PROCFILE_NAME ? 'procfile' : 'config';
}

/**
 * The stack file for `-c/--config` (a file, or a folder to look in without walking up) or, without it, the nearest
 * one from `cwd` upwards. Nothing found is an InputError saying where land looked.
 */
export function locateStack(configPath: string | undefined, cwd = process.cwd()): StackFile {
  const base = path.resolve(cwd);
  if (configPath !== undefined) {
    const given = path.resolve(base, configPath);
    if (!existsSync(given)) throw new InputError(`${displayPath(given)}: config file not found`);
    if (!statSync(given).isDirectory()) return { kind: kindOf(given), file: given };
    const found = stackFileIn(given);
    if (found) return found;
    throw new InputError(`no ${CONFIG_FILE_NAMES.join(', ')} or ${PROCFILE_NAME} in ${displayPath(given) || '.'}: create one with \`land init\` or pass --config`);
  }
  const found = findUpwards(base);
  if (found) return found;
  throw new InputError(
    `no ${CONFIG_FILE_NAMES.join(', ')} or ${PROCFILE_NAME} in ${displayPath(base) || '.'} or any folder above it: create one with \`land init\` or pass --config`,
  );
}
