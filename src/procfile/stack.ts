/**
 * A folder with a Procfile and no land config boots as a land stack with foreman's conventions: each process type
 * is a tier run through `/bin/sh -c`; `PORT` is 5000 (or the PORT of `.env` / the shell, as foreman reads it) plus
 * 100 per process type in the file's order plus the instance number - 1; `.env` reaches every process.
 *
 * A formation (`-m`) runs each type it counts as the tier's `replicas` (`web.1`, `web.2`, …, as foreman names them: the
 * telemetry tier stays `web`, each instance gets `LAND_REPLICA`, its own PORT, spawn span and log file), a count of
 * one too, so that `land scale` changes it; without `-m` a type keeps its plain name. See docs/decisions.md.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { displayPath } from '../config/display-path.js';
import { readEnvFile } from '../config/envfile.js';
import { DEFAULTS, resolveConfig } from '../config/resolve.js';
import type { LandConfig, ResolvedConfig, TierConfig } from '../config/types.js';
import { InputError } from '../errors.js';
import { formationStill, parseFormation } from './formation.js';
import { parseProcfile, type ProcessType } from './parse.js';

export const FOREMAN_BASE_PORT = 5000;
export const FOREMAN_PORT_STEP = 100;
/** foreman's `.env` first, then land's own telemetry files (which only name land's keys). */
export const PROCFILE_ENV_FILES = ['.env', ...DEFAULTS.envFiles];

/** foreman's base port: PORT from `.env`, else from the shell, else 5000. */
export function basePort(rootDir: string, shellPort = process.env.PORT): number {
  const envFile = path.join(rootDir, '.env');
  const fromFile = existsSync(envFile) ? readEnvFile(envFile).PORT : undefined;
  const text = fromFile ?? shellPort;
  if (text === undefined || text === '') return FOREMAN_BASE_PORT;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
    const where = fromFile !== undefined ? `${displayPath(envFile)}: PORT` : 'PORT (from the environment)';
    throw new InputError(`${where}: expected a base port 1..65535, got "${text}"`);
  }
  return port;
}

/**
 * One tier per process type, with foreman's port base for the type; a count the formation gives is `replicas` (the
 * supervisor names them `web.1` … `web.N`, gives each `PORT` = base + n - 1 and `LAND_REPLICA`), one included, so
 * that `land scale` takes it; with no formation (`counts` undefined) every type runs once under its plain name; 0
 * leaves the type out.
 */
export function procfileTiers(types: readonly ProcessType[], base: number, counts?: ReadonlyMap<string, number>): LandConfig['tiers'] {
  const tiers: LandConfig['tiers'] = {};
  types.forEach((type, index) => {
    const count = counts?.get(type.name) ?? 1;
    if (count === 0) return;
    const tier: TierConfig = { command: type.command, shell: true, port: base + index * FOREMAN_PORT_STEP };
    if (counts) tier.replicas = count;
    tiers[type.name] = tier;
  });
  return tiers;
}

/** The stack a Procfile describes, resolved as a land config would be. */
export function loadProcfileStack(file: string, formation?: string): ResolvedConfig {
  const label = displayPath(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`${label}: cannot read the Procfile (${(error as { code?: string }).code ?? 'unreadable'})`);
  }
  const types = parseProcfile(text, label);
  // No -m (or an empty one): no formation, so no replicas.
  const counts = (formation ?? '').trim() !== '' ? parseFormation(formation, types.map((type) => type.name)) : undefined;
  const rootDir = path.dirname(path.resolve(file));
  const config: LandConfig = { envFiles: PROCFILE_ENV_FILES, tiers: procfileTiers(types, basePort(rootDir), counts) };
  return resolveConfig(config, file, label);
}

/**
 * The formation a running stack reads its Procfile again with (`land apply`): without the types the file lost, and
 * notes saying so (formation.ts `formationStill`). A file that cannot be read or parsed is left to loadProcfileStack,
 * which says why.
 */
export function formationForReread(file: string, formation: string | undefined): { formation?: string; notes: string[] } {
  let types: ProcessType[];
  try {
    types = parseProcfile(readFileSync(file, 'utf8'), displayPath(file));
  } catch {
    return { formation, notes: [] };
  }
  return formationStill(formation, types.map((type) => type.name));
}
