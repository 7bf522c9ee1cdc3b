/**
 * pm2's `env_<name>` (what `pm2 start --env <name>` lays over an app's `env`) as land profiles, where that maps
 * cleanly: a profile is the stack's (`profiles/<name>.env`, every tier gets it) and a tier's own `env` wins over it,
 * so `env_<name>` becomes a profile only when the apps that set a variable in it agree on its value and none sets
 * it otherwise in its `env`. Else each tier's note names the variables to set by hand.
 */
import type { DraftTier } from './draft.js';

type App = Record<string, unknown>;

const isObject = (value: unknown): value is App => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** A dotenv line (land reads profiles with dotenv): quoted when needed; undefined when dotenv cannot hold the value. */
function dotenvLine(key: string, value: string): string | undefined {
  if (/^[A-Za-z0-9_./:@%+,=-]*$/.test(value)) return `${key}=${value}`;
  if (/[\n\r]/.test(value) || (value.includes('"') && value.includes("'"))) return undefined;
  return value.includes('"') ? `${key}='${value}'` : `${key}="${value}"`;
}

/** Why `env_<name>` has no clean profile, or its lines. */
function profileOf(name: string, apps: readonly App[]): { lines: string[] } | { why: string } {
  const values = new Map<string, string>();
  for (const app of apps) {
    const env = app[`env_${name}`];
    if (!isObject(env)) continue;
    const own = isObject(app.env) ? app.env : {};
    for (const [key, raw] of Object.entries(env)) {
      const value = text(raw);
      if (values.has(key) && values.get(key) !== value) return { why: `the apps give ${key} different values` };
      if (key in own && text(own[key]) !== value) return { why: `${key} is in an app's env too, which a tier's own env keeps over a profile` };
      values.set(key, value);
    }
  }
  const lines: string[] = [];
  for (const [key, value] of values) {
    const line = dotenvLine(key, value);
    if (line === undefined) return { why: `${key}'s value does not fit on a dotenv line` };
    lines.push(line);
  }
  return { lines };
}

/** The profiles (files to write beside the config, and the default one), with notes on what could not be one. */
export function pm2Profiles(entries: ReadonlyArray<{ app: App; tier?: DraftTier }>, notes: string[]): { files?: Record<string, string>; defaultProfile?: string } {
  const apps = entries.map((entry) => entry.app);
  const names = [...new Set(apps.flatMap((app) => Object.keys(app).filter((key) => /^env_./.test(key) && isObject(app[key])).map((key) => key.slice(4))))];
  const files: Record<string, string> = {};
  for (const name of names) {
    const profile = /^[A-Za-z0-9._-]+$/.test(name) ? profileOf(name, apps) : { why: 'its name is no file name' };
    if ('lines' in profile) {
      files[`profiles/${name}.env`] = [`# pm2's env_${name} (pm2 start --env ${name}): land up --profile ${name}. Every tier gets it.`, ...profile.lines, ''].join('\n');
      continue;
    }
    for (const { app, tier } of entries) {
      const env = app[`env_${name}`];
      if (isObject(env) && tier) tier.notes.push(`env_${name}: no profile (${profile.why}): set ${Object.keys(env).join(', ')} for it by hand`);
    }
  }
  if (Object.keys(files).length === 0) return {};
  files['profiles/default.env'] = "# land up without --profile: the apps' env alone (pm2 start without --env).\n";
  notes.push(`env_<name> became profiles/<name>.env (${Object.keys(files).filter((file) => !file.endsWith('/default.env')).map((file) => file.slice(9, -4)).join(', ')}): land up --profile <name>; without one, profiles/default.env (empty).`);
  return { files, defaultProfile: 'default' };
}
