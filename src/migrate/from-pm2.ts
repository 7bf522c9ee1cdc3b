/**
 * `land init` from a PM2 ecosystem file (`ecosystem.config.js`, `.cjs`, `.mjs` or `.json`): each of `apps[]` a tier.
 * script, args, interpreter, cwd, env, instances, autorestart / max_restarts / restart_delay, cron_restart, watch,
 * max_memory_restart and kill_timeout map onto land's keys; `env_<name>` becomes a profile when every app agrees on
 * it (profiles are stack-wide); everything else is named in a comment, as the process-compose import does.
 */
import path from 'node:path';
import { MAX_REPLICAS } from '../config/limits.js';
import { DEFAULTS } from '../config/resolve.js';
import { scheduleProblem } from '../config/schedule.js';
import { parseSize } from '../config/size.js';
import { InputError } from '../errors.js';
import { commandFields, plainArgv, renameReason, tierNameFor, type DraftConfig, type DraftTier } from './draft.js';
import { pm2Profiles } from './pm2-profiles.js';

type App = Record<string, unknown>;

const isObject = (value: unknown): value is App => typeof value === 'object' && value !== null && !Array.isArray(value);
const show = (value: unknown) => (typeof value === 'function' ? 'a function' : JSON.stringify(value));

/** The interpreter PM2 picks by the script's extension when none is given (its own table); none: the script runs itself. */
const INTERPRETERS: Record<string, string> = {
  '.js': 'node', '.cjs': 'node', '.mjs': 'node', '.py': 'python3', '.sh': 'bash', '.rb': 'ruby', '.php': 'php', '.pl': 'perl',
};

/** Keys read by this module; any other key of an app becomes a "not mapped" note. */
const MAPPED_KEYS = new Set([
  'name', 'script', 'args', 'interpreter', 'exec_interpreter', 'interpreter_args', 'node_args', 'cwd', 'env', 'instances',
  'autorestart', 'max_restarts', 'min_uptime', 'restart_delay', 'exp_backoff_restart_delay', 'cron_restart', 'watch',
  'ignore_watch', 'watch_delay', 'max_memory_restart', 'kill_timeout', 'exec_mode',
]);

/** Words of an `args` / `interpreter_args` value: an array as is, a string split as /bin/sh would (or undefined: it needs a shell). */
function words(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') return value.trim() === '' ? [] : plainArgv(value);
  return value === undefined ? [] : undefined;
}

/** script + interpreter + args as `command` (an argv, or a shell line when an args string needs one). */
function commandOf(app: App, notes: string[]): Record<string, unknown> | undefined {
  const script = app.script;
  if (typeof script !== 'string' || script.trim() === '') return undefined;
  const given = app.interpreter ?? app.exec_interpreter;
  const interpreter = typeof given === 'string' ? given : INTERPRETERS[path.extname(script).toLowerCase()];
  if (path.extname(script).toLowerCase() === '.ts' && given === undefined) notes.push('script is TypeScript: pm2 runs it with its bundled ts-node; here it runs as a program: set the command by hand (e.g. ["npx", "tsx", …])');
  const iargs = interpreter === undefined || interpreter === 'none' ? [] : words(app.interpreter_args ?? app.node_args);
  const args = words(app.args);
  const head = interpreter === undefined || interpreter === 'none' ? [script] : [interpreter, ...(iargs ?? []), script];
  if (iargs === undefined) notes.push(`interpreter_args ${show(app.interpreter_args ?? app.node_args)}: not plain words: left out`);
  if (args !== undefined) return { command: [...head, ...args] };
  // An args string with quotes, `$VAR` or a pipe: run through /bin/sh, as the words would be read there.
  return commandFields(`${head.join(' ')} ${String(app.args)}`);
}

/** autorestart, max_restarts, min_uptime, restart_delay, exp_backoff_restart_delay → restart. */
function restartOf(app: App, notes: string[]): Record<string, unknown> {
  // pm2 restarts an app after any exit unless autorestart is false.
  const result: Record<string, unknown> = { policy: app.autorestart === false ? 'never' : 'always' };
  if (typeof app.max_restarts === 'number' && app.max_restarts >= 0) result.maxRestarts = app.max_restarts;
  else if (app.autorestart !== false) notes.push("max_restarts: pm2 gives up after 16 restarts in a row under min_uptime; land's budget is restart.maxRestarts (5 by default), reset after resetAfterMs up");
  const minUptime = msOf(app, 'min_uptime', notes);
  if (minUptime !== undefined) result.resetAfterMs = minUptime;
  const delay = msOf(app, 'restart_delay', notes);
  const exponential = msOf(app, 'exp_backoff_restart_delay', notes);
  // pm2's exponential delay grows from its value up to 15 s; a fixed restart_delay is the same every time.
  if (exponential !== undefined) result.backoff = { initialMs: exponential, maxMs: Math.max(exponential, 15_000) };
  else if (delay !== undefined) result.backoff = { initialMs: delay, maxMs: delay };
  return result;
}

/** A duration in milliseconds (a number, or its digits as a string) > 0; anything else given is said and left out. */
function msOf(app: App, key: string, notes: string[]): number | undefined {
  const value = app[key];
  const ms = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof ms === 'number' && Number.isInteger(ms) && ms > 0) return ms;
  if (value !== undefined) notes.push(`${key} ${show(value)}: expected a whole number of milliseconds > 0: left out`);
  return undefined;
}

/** watch / ignore_watch / watch_delay → watch (paths relative to the tier's cwd, as pm2's). */
function watchOf(app: App, notes: string[]): unknown {
  const { watch } = app;
  if (watch === undefined || watch === false) return undefined;
  const paths = watch === true ? ['**'] : typeof watch === 'string' ? [watch] : Array.isArray(watch) ? watch.map(String) : undefined;
  if (!paths || paths.length === 0) {
    notes.push(`watch ${show(watch)}: expected true, a path or an array of paths: left out`);
    return undefined;
  }
  if (watch === true) notes.push('watch: true: pm2 watches the app\'s folder; here every file under the tier\'s cwd ("**"; node_modules, .git and .land never)');
  const ignore = typeof app.ignore_watch === 'string' ? [app.ignore_watch] : Array.isArray(app.ignore_watch) ? app.ignore_watch.map(String) : [];
  const debounceMs = msOf(app, 'watch_delay', notes);
  if (ignore.length === 0 && debounceMs === undefined) return paths.length === 1 ? paths[0] : paths;
  return { paths, ...(ignore.length > 0 ? { ignore } : {}), ...(debounceMs !== undefined ? { debounceMs } : {}) };
}

/** cron_restart: a job (autorestart: false) runs at its times (schedule); land has no periodic restart of a server. */
function scheduleOf(app: App, config: Record<string, unknown>, name: string, notes: string[]): void {
  const cron = app.cron_restart;
  if (cron === undefined) return;
  const problem = typeof cron === 'string' ? scheduleProblem(cron) : 'not a string';
  if (problem !== undefined) return void notes.push(`cron_restart ${show(cron)}: not a cron expression land reads (${problem}): left out`);
  if (app.autorestart !== false) {
    return void notes.push(`cron_restart ${show(cron)}: land does not restart a running tier at times; a job (pm2's autorestart: false) maps to schedule: ${show(cron)}`);
  }
  config.schedule = cron;
  delete config.restart;
  delete config.replicas;
  notes.push(`cron_restart with autorestart: false: a scheduled job; pm2 also runs it once at start, land at its times only (\`land start ${name}\` runs it now)`);
}

/** instances → replicas (2..64); pm2's 0, -1 or "max" (one per CPU) has no fixed count here: a note. */
function replicasOf(app: App, notes: string[]): number | undefined {
  const { instances } = app;
  if (instances === undefined || instances === 1) return undefined;
  if (typeof instances === 'number' && Number.isInteger(instances) && instances >= 2 && instances <= MAX_REPLICAS) {
    if (app.exec_mode === 'cluster' || app.exec_mode === 'cluster_mode') notes.push('exec_mode cluster: the replicas are processes of their own; pm2\'s cluster mode shares one port among them, land gives replica n PORT = port + n - 1 when `port` is set');
    return instances;
  }
  notes.push(`instances ${show(instances)}: land runs a whole number 1..${MAX_REPLICAS} of replicas (pm2's 0, -1 and "max" follow the CPUs): left out, one instance`);
  return undefined;
}

/** env values as strings (pm2 passes numbers and booleans as their text). */
function envOf(value: unknown, notes: string[], where: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) return void notes.push(`${where} ${show(value)}: expected an object: left out`);
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, typeof inner === 'string' ? inner : JSON.stringify(inner)]));
}

function convertApp(app: App, name: string, label: string): DraftTier | string {
  const notes: string[] = [];
  const given = typeof app.name === 'string' ? app.name : undefined;
  if (name !== given) notes.push(given === undefined ? `no name: named after its script` : renameReason(given, label, name));
  const command = commandOf(app, notes);
  if (!command) return `app ${show(given ?? name)} has no script: left out`;
  const config: Record<string, unknown> = { ...command };
  if (typeof app.cwd === 'string') config.cwd = app.cwd;
  const env = envOf(app.env, notes, 'env');
  if (env && Object.keys(env).length > 0) config.env = env;
  config.restart = restartOf(app, notes);
  config.replicas = replicasOf(app, notes);
  config.watch = watchOf(app, notes);
  if (app.max_memory_restart !== undefined) {
    const bytes = parseSize(app.max_memory_restart);
    if (bytes !== undefined) config.limits = { memory: app.max_memory_restart };
    else notes.push(`max_memory_restart ${show(app.max_memory_restart)}: not a size of at least 1M: left out`);
  }
  const kill = msOf(app, 'kill_timeout', notes);
  if (kill !== undefined) config.stop = { timeoutMs: kill };
  scheduleOf(app, config, name, notes);
  for (const [key, value] of Object.entries(app)) {
    if (!MAPPED_KEYS.has(key) && !/^env_./.test(key)) notes.push(`not mapped: ${key}: ${show(value)}`);
  }
  return { name, notes, config };
}

/** A tier name for an app (two apps of one script name: `server`, `server-2`), as draft.ts's tierNames. */
function uniqueName(raw: string, used: Set<string>): string {
  let candidate = tierNameFor(raw);
  for (let n = 2; used.has(candidate); n++) candidate = `${tierNameFor(raw)}-${n}`;
  used.add(candidate);
  return candidate;
}

/** What an ecosystem file exported (its module's default, or the parsed JSON) → draft. */
/** A script that is given but not a file name is bad input, not an app to leave out (pm2 refuses it too). */
function refuseBadScripts(apps: unknown[], label: string): void {
  apps.forEach((app, index) => {
    if (!isObject(app) || app.script === undefined || (typeof app.script === 'string' && app.script.trim() !== '')) return;
    throw new InputError(`${label}: apps[${index}].script: expected a string (the file to run, e.g. 'server.js'), got ${typeof app.script === 'string' ? 'an empty string' : show(app.script)}`);
  });
}

/** No app gave a tier: the first one's problem, before anything is written (as the process-compose import refuses). */
function nothingToRun(apps: unknown[]): string {
  const app = apps[0];
  if (!isObject(app)) return `apps[0]: expected an object with a script (no app has one, so there is no tier to run), got ${show(app)}`;
  return `apps[0].script: expected a string (the file to run): no app has one, so there is no tier to run`;
}

export function draftFromPm2(exported: unknown, label: string): DraftConfig {
  const apps = isObject(exported) ? exported.apps : Array.isArray(exported) ? exported : undefined;
  if (!Array.isArray(apps) || apps.length === 0) throw new InputError(`${label}: apps: expected an array of apps, e.g. module.exports = { apps: [{ name: 'web', script: 'server.js' }] }`);
  const notes: string[] = ['pm2 restarts an app after any exit unless autorestart is false: those tiers have restart policy always.'];
  if (isObject(exported)) for (const key of Object.keys(exported)) if (key !== 'apps') notes.push(`not mapped (top level): ${key}`);
  const named = apps.map((app, index) => {
    const script = isObject(app) && typeof app.script === 'string' ? path.basename(app.script, path.extname(app.script)) : `app-${index + 1}`;
    return isObject(app) && typeof app.name === 'string' && app.name !== '' ? app.name : script;
  });
  refuseBadScripts(apps, label);
  const used = new Set<string>();
  const tiers: DraftTier[] = [];
  const entries: Array<{ app: App; tier?: DraftTier }> = [];
  apps.forEach((app, index) => {
    const name = uniqueName(named[index]!, used);
    const converted = isObject(app) ? convertApp(app, name, label) : `apps[${index}] is not an object: left out`;
    if (typeof converted === 'string') notes.push(converted);
    else tiers.push(converted);
    if (isObject(app)) entries.push({ app, ...(typeof converted === 'string' ? {} : { tier: converted }) });
  });
  if (tiers.length === 0) throw new InputError(`${label}: ${nothingToRun(apps)}`);
  const profiles = pm2Profiles(entries, notes);
  return { source: label, notes, envFiles: [...DEFAULTS.envFiles], tiers, ...profiles };
}
