/**
 * pm2's `env_<name>` (what `pm2 start --env <name>` lays over an app's `env`) as land profiles (`profiles/<name>.env`,
 * which every tier gets, and which a tier's own `env` wins over):
 * - a variable goes into profile `<name>` when the apps that set it in `env_<name>` agree on its value; where they do
 *   not, each of those apps' tiers says so (the variable is left for it to set by hand);
 * - an app that sets the variable in its `env` as well (the usual `env: { NODE_ENV: 'development' }`) would keep that
 *   value over the profile's, so it is moved out of the tier's `env` into `profiles/default.env` and every profile
 *   that does not set it — when the apps moving it agree on that value and each sets it in every `env_<name>` that
 *   became a profile with it (else another profile would change it where pm2 does not); otherwise it stays, and that
 *   tier says which profile's value does not reach it.
 */
import type { DraftTier } from './draft.js';

type App = Record<string, unknown>;
type Entry = { app: App; tier?: DraftTier };

const isObject = (value: unknown): value is App => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** A dotenv line (land reads profiles with dotenv): quoted when needed; undefined when dotenv cannot hold the value. */
function dotenvLine(key: string, value: string): string | undefined {
  if (/^[A-Za-z0-9_./:@%+,=-]*$/.test(value)) return `${key}=${value}`;
  if (/[\n\r]/.test(value) || (value.includes('"') && value.includes("'"))) return undefined;
  return value.includes('"') ? `${key}='${value}'` : `${key}="${value}"`;
}

/** An app's `env_<name>`, values as text; undefined when it has none. */
function profileEnv(entry: Entry, name: string): Record<string, string> | undefined {
  const env = entry.app[`env_${name}`];
  return isObject(env) ? Object.fromEntries(Object.entries(env).map(([key, value]) => [key, text(value)])) : undefined;
}

/** The tier's own `env` as the draft holds it (init writes it; a moved key is deleted from it). */
function tierEnv(entry: Entry): Record<string, string> | undefined {
  const env = entry.tier?.config.env;
  return isObject(env) ? (env as Record<string, string>) : undefined;
}

const note = (entry: Entry, line: string) => entry.tier?.notes.push(line);

/** Profile name → its variables, where the apps that set one agree; a note on each tier whose value was left out. */
function agreedProfiles(names: readonly string[], entries: readonly Entry[]): Map<string, Map<string, string>> {
  const profiles = new Map<string, Map<string, string>>();
  for (const name of names) {
    const setting = entries.filter((entry) => profileEnv(entry, name) !== undefined);
    if (!/^[A-Za-z0-9._-]+$/.test(name)) {
      for (const entry of setting) note(entry, `env_${name}: no profile (its name is no file name): set ${Object.keys(profileEnv(entry, name)!).join(', ')} for it by hand`);
      continue;
    }
    const agreed = new Map<string, string>();
    for (const key of new Set(setting.flatMap((entry) => Object.keys(profileEnv(entry, name)!)))) {
      const givers = setting.filter((entry) => key in profileEnv(entry, name)!);
      const values = new Set(givers.map((entry) => profileEnv(entry, name)![key]!));
      const value = [...values][0]!;
      const why = values.size > 1 ? `the apps give it different values (${givers.map((entry) => entry.tier?.name ?? '?').join(', ')})` : dotenvLine(key, value) === undefined ? 'its value does not fit on a dotenv line' : undefined;
      if (why === undefined) agreed.set(key, value);
      else for (const entry of givers) note(entry, `env_${name}: ${key} not in profile ${name} (${why}): set it for this tier by hand`);
    }
    if (agreed.size > 0) profiles.set(name, agreed);
  }
  return profiles;
}

/**
 * The keys moved out of tiers' `env` into the profiles that do not set them (key → the apps' `env` value), deleted
 * from those tiers; a note on each tier that keeps one, naming the profiles whose value it does not get.
 */
function movedOutOfEnv(profiles: ReadonlyMap<string, ReadonlyMap<string, string>>, entries: readonly Entry[]): Map<string, string> {
  const moved = new Map<string, string>();
  for (const key of new Set([...profiles.values()].flatMap((profile) => [...profile.keys()]))) {
    const setting = [...profiles].filter(([, profile]) => profile.has(key)).map(([name]) => name);
    const sets = (entry: Entry) => setting.filter((name) => profileEnv(entry, name)?.[key] !== undefined);
    // Only an app that sets the key in some env_<name> is concerned: one that does not keeps its env value, as in pm2.
    const holders = entries.filter((entry) => tierEnv(entry)?.[key] !== undefined && sets(entry).length > 0);
    // One that leaves it out of another profile keeps its env value there, as in pm2: it cannot move.
    const movers = holders.filter((entry) => sets(entry).length === setting.length);
    const values = new Set(movers.map((entry) => tierEnv(entry)![key]!));
    const value = [...values][0];
    const common = values.size > 1 ? "the apps' env give it different values" : value !== undefined && dotenvLine(key, value) === undefined ? 'its value does not fit on a dotenv line' : undefined;
    for (const entry of holders) {
      const missing = setting.filter((name) => !sets(entry).includes(name));
      const why = missing.length > 0 ? `its ${missing.map((name) => `env_${name}`).join(', ')} would keep it` : common;
      if (why === undefined) continue;
      note(entry, `env_${sets(entry).join(', env_')}: ${key} stays in its env (${why}), which wins over profile ${sets(entry).join(', ')}: set it for this tier by hand`);
    }
    if (common !== undefined || value === undefined) continue;
    moved.set(key, value);
    for (const entry of movers) {
      const env = tierEnv(entry)!;
      delete env[key];
      if (Object.keys(env).length === 0) delete entry.tier!.config.env;
    }
  }
  return moved;
}

/** The profiles (files to write beside the config, and the default one), with notes on what could not be one. */
export function pm2Profiles(entries: readonly Entry[], notes: string[]): { files?: Record<string, string>; defaultProfile?: string } {
  const apps = entries.map((entry) => entry.app);
  const names = [...new Set(apps.flatMap((app) => Object.keys(app).filter((key) => /^env_./.test(key) && isObject(app[key])).map((key) => key.slice(4))))];
  const profiles = agreedProfiles(names, entries);
  if (profiles.size === 0) return {};
  const moved = movedOutOfEnv(profiles, entries);
  const lines = (values: Iterable<[string, string]>) => [...values].map(([key, value]) => dotenvLine(key, value)!);
  const files: Record<string, string> = {};
  for (const [name, profile] of profiles) {
    const base = [...moved].filter(([key]) => !profile.has(key));
    files[`profiles/${name}.env`] = [`# pm2's env_${name} (pm2 start --env ${name}): land up --profile ${name}. Every tier gets it.`, ...lines(profile), ...(base.length > 0 ? ["# the apps' env, which this profile does not change:", ...lines(base)] : []), ''].join('\n');
  }
  files['profiles/default.env'] = ["# land up without --profile: the apps' env alone (pm2 start without --env).", ...lines(moved), ''].join('\n');
  const movedNote = moved.size === 0 ? '' : ` ${[...moved.keys()].join(', ')} moved from the tiers' env into the profiles (a tier's own env would win over a profile); one exported in land's shell wins over a profile, where pm2 keeps an app's env over its shell.`;
  notes.push(`env_<name> became profiles/<name>.env (${[...profiles.keys()].join(', ')}): land up --profile <name>; without one, profiles/default.env.${movedNote}`);
  return { files, defaultProfile: 'default' };
}
