import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import { displayPath } from './display-path.js';
import { readEnvFile } from './envfile.js';
import type { ResolvedConfig } from './types.js';

export interface Profile {
  name: string;
  /** Absolute path of `<profilesDir>/<name>.env`. */
  file: string;
  env: Record<string, string>;
}

const PROFILE_EXTENSION = '.env';

/** Names of the profiles (`<profilesDir>/*.env`), sorted; none when the folder does not exist. */
export function listProfiles(config: Pick<ResolvedConfig, 'profilesDir'>): string[] {
  if (!existsSync(config.profilesDir)) return [];
  return readdirSync(config.profilesDir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(PROFILE_EXTENSION) && entry.name !== PROFILE_EXTENSION)
    .map((entry) => entry.name.slice(0, -PROFILE_EXTENSION.length))
    .sort();
}

/**
 * Reads one profile; an unknown name is an InputError listing the known ones. `why`: how the name was chosen when
 * nobody typed it (the default), said first so that a missing `debug` does not read as a typo.
 */
export function readProfile(
  config: Pick<ResolvedConfig, 'profilesDir'>,
  name: string,
  why?: string,
  // A profile's lines are gate flags, quoted in its messages (an env file's are not: it may hold the secrets).
  read: (file: string) => Record<string, string> = (file) => readEnvFile(file, 'plain'),
): Profile {
  const known = listProfiles(config);
  // Only listed names are read, so a name like `../secret` never reaches the file system.
  if (!known.includes(name)) {
    const folder = displayPath(config.profilesDir);
    const choices = known.length === 0 ? `there are no *.env files in ${folder}` : `known profiles: ${known.join(', ')}`;
    throw new InputError(`unknown profile "${name}" (${why === undefined ? '' : `${why}; `}${choices})`);
  }
  const file = path.join(config.profilesDir, `${name}${PROFILE_EXTENSION}`);
  return { name, file, env: read(file) };
}
