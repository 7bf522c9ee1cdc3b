/**
 * `land init` from a PM2 ecosystem file (`ecosystem.config.js`, `.cjs`, `.mjs` or `.json`): each of `apps[]` a tier.
 * script, args, interpreter, cwd, env, instances, autorestart / max_restarts / restart_delay, cron_restart, watch,
 * max_memory_restart and kill_timeout map onto land's keys; `env_<name>` becomes a profile when every app agrees on
 * it (profiles are stack-wide); everything else is named in a comment, as the process-compose import does.
 */
import { refuseVariable } from './env-check.js';
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { MAX_REPLICAS } from '../config/limits.js';
import { DEFAULTS } from '../config/resolve.js';
import { scheduleProblem, spelledSteps } from '../config/schedule.js';
import { parseSize } from '../config/size.js';
import { InputError } from '../errors.js';
import { shellWord } from '../text/shell.js';
import { plainArgv, renameReason, tierNameFor, type DraftConfig, type DraftTier } from './draft.js';
import { pm2Profiles } from './pm2-profiles.js';

type App = Record<string, unknown>;

/**
 * Where the ecosystem file's relative paths are read from. pm2 resolves an app's `cwd` (and runs an app without one)
 * from the folder `pm2 start` runs in (`path.resolve(app.cwd)` in its Common.prepareAppConf), not the file's: init
 * takes the folder it runs in for that (`base`), and writes each cwd relative to the config's folder, which land
 * reads it from. `warnings` gets a line for each cwd that is no folder here.
 */
export interface Pm2Context {
  base: string;
  configDir: string;
  warnings: string[];
}

/** The app's folder, as pm2 finds it, and the tier's `cwd` as land.config.ts (in configDir) must say it. */
interface AppFolder {
  folder: string;
  cwd?: string;
}

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

/**
 * The script as the command names it: pm2 runs `script` from the app's folder when that file is there (else it looks
 * it up on PATH, as `npm`), so a script that runs itself (no interpreter) gets `./` when it has no slash, or
 * execvp and sh would look it up on PATH.
 */
function scriptPath(script: string, runsItself: boolean, folder: string): string {
  if (!runsItself || script.includes('/') || !isFile(path.join(folder, script))) return script;
  return `./${script}`;
}

/** script + interpreter + args as `command` (an argv, or a shell line when an args string needs one). */
function commandOf(app: App, folder: string, notes: string[]): Record<string, unknown> | undefined {
  const given = app.interpreter ?? app.exec_interpreter;
  const script = app.script as string;
  const interpreter = typeof given === 'string' ? given : INTERPRETERS[path.extname(script).toLowerCase()];
  if (path.extname(script).toLowerCase() === '.ts' && given === undefined) notes.push('script is TypeScript: pm2 runs it with its bundled ts-node; here it runs as a program: set the command by hand (e.g. ["npx", "tsx", …])');
  const runsItself = interpreter === undefined || interpreter === 'none';
  const iargs = runsItself ? [] : words(app.interpreter_args ?? app.node_args);
  const args = words(app.args);
  const file = scriptPath(script, runsItself, folder);
  const head = runsItself ? [file] : [interpreter, ...(iargs ?? []), file];
  if (iargs === undefined) notes.push(`interpreter_args ${show(app.interpreter_args ?? app.node_args)}: not plain words: left out`);
  if (args !== undefined) return { command: [...head, ...args] };
  // An args string with quotes, `$VAR` or a pipe: run through /bin/sh, as the words would be read there; the
  // interpreter, its arguments and the script are quoted (`'my app.js'` is one word to pm2).
  return { command: `${head.map(shellWord).join(' ')} ${String(app.args).trim()}`, shell: true };
}

function isFile(file: string): boolean {
  return statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
}

function homeFolder(): string | undefined {
  try {
    return homedir();
  } catch {
    return undefined;
  }
}

/** The app's folder as pm2 resolves it (`~` is the home folder, as pm2 reads it), and the tier's cwd; a warning when it is missing. */
function folderOf(app: App, where: string, context: Pm2Context): AppFolder {
  const given = typeof app.cwd === 'string' && app.cwd.trim() !== '' ? app.cwd : undefined;
  if (given === undefined) {
    const relative = path.relative(context.configDir, context.base);
    return relative === '' ? { folder: context.base } : { folder: context.base, cwd: relative };
  }
  // Looked up only for a `~`: os.homedir() throws for a uid with no passwd entry and no HOME (a container's).
  const expanded = given.replace(/^~(?=$|\/)/, () => homeFolder() ?? '~');
  const folder = path.resolve(context.base, expanded);
  if (!(statSync(folder, { throwIfNoEntry: false })?.isDirectory() ?? false)) {
    const resolved = folder === given ? '' : ` (${folder})`;
    context.warnings.push(`${where}: cwd ${JSON.stringify(given)}: no such folder here${resolved}: the tier does not start until it exists`);
  }
  if (path.isAbsolute(expanded)) return { folder, cwd: folder };
  const relative = path.relative(context.configDir, folder);
  return relative === '' ? { folder } : { folder, cwd: relative };
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
  let cron = app.cron_restart;
  if (cron === undefined) return;
  // `5/15` (from 5 every 15, as croner before 11, systemd and Kubernetes read it) spelt as every cron reads it alike.
  const spelt = typeof cron === 'string' ? spelledSteps(cron) : undefined;
  if (spelt !== undefined && scheduleProblem(spelt) === undefined) {
    notes.push(`cron_restart ${show(cron)}: written ${show(spelt)}, the same times spelt as croner 11 and crontab read them (crontab would run \`N/step\` at N alone)`);
    cron = spelt;
  }
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
  if (typeof instances === 'number' && Number.isInteger(instances) && instances >= 2 && instances <= MAX_REPLICAS) return instances;
  notes.push(`instances ${show(instances)}: land runs a whole number 1..${MAX_REPLICAS} of replicas (pm2's 0, -1 and "max" follow the CPUs): left out, one instance`);
  return undefined;
}

const isCluster = (app: App) => app.exec_mode === 'cluster' || app.exec_mode === 'cluster_mode';

/**
 * Replicas and env PORT: land's replicas are processes of their own, so one PORT would be taken by the first and
 * refused to the others (EADDRINUSE); pm2's cluster mode shares one port through node's cluster module. A number
 * in env PORT becomes `port`, which gives replica n PORT = port + n - 1.
 */
function portOf(app: App, config: Record<string, unknown>, notes: string[]): void {
  const env = config.env as Record<string, string> | undefined;
  const replicas = config.replicas as number | undefined;
  const mode = isCluster(app) ? "exec_mode cluster: pm2's cluster mode shares one port among the instances (node's cluster module); land's replicas are processes of their own, each listening on its own" : `instances ${replicas}: each replica is a process of its own, listening on its own port`;
  if (replicas === undefined) return;
  const port = env?.PORT !== undefined && /^\d+$/.test(env.PORT) ? Number(env.PORT) : undefined;
  if (port === undefined || port < 1 || port + replicas - 1 > 65535) {
    return void notes.push(`${mode}: set \`port\` (replica n gets PORT = port + n - 1), or one PORT would be refused to all but the first`);
  }
  config.port = port;
  delete env!.PORT;
  if (Object.keys(env!).length === 0) delete config.env;
  notes.push(`${mode}: env PORT ${port} became port: ${port}, so replica n gets PORT = ${port} + n - 1 (${port}..${port + replicas - 1}); put a proxy before them for one address`);
}

/** env values as strings (pm2 passes numbers and booleans as their text). */
function envOf(value: unknown, notes: string[], where: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) return void notes.push(`${where} ${show(value)}: expected an object: left out`);
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, typeof inner === 'string' ? inner : JSON.stringify(inner)]));
}

function convertApp(app: App, name: string, label: string, index: number, context: Pm2Context): DraftTier | string {
  const notes: string[] = [];
  const given = typeof app.name === 'string' ? app.name : undefined;
  if (name !== given) notes.push(given === undefined ? `no name: named after its script` : renameReason(given, label, name));
  if (typeof app.script !== 'string') return `app ${show(given ?? name)} has no script: left out`;
  const { folder, cwd } = folderOf(app, `${label}: apps[${index}] (${name})`, context);
  const config: Record<string, unknown> = { ...commandOf(app, folder, notes) };
  if (cwd !== undefined) config.cwd = cwd;
  if (typeof app.cwd !== 'string' && cwd !== undefined) notes.push(`no cwd: pm2 runs it in the folder \`pm2 start\` runs in; init took the one it ran in (${cwd})`);
  const env = envOf(app.env, notes, 'env');
  if (env && Object.keys(env).length > 0) config.env = env;
  config.restart = restartOf(app, notes);
  config.replicas = replicasOf(app, notes);
  portOf(app, config, notes);
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

/** A script that is given but not a file name is bad input, not an app to leave out (pm2 refuses it too). */
function refuseBadScripts(apps: unknown[], label: string): void {
  apps.forEach((app, index) => {
    if (!isObject(app) || app.script === undefined || (typeof app.script === 'string' && app.script.trim() !== '')) return;
    throw new InputError(`${label}: apps[${index}].script: expected a string (the file to run, e.g. 'server.js'), got ${typeof app.script === 'string' ? 'an empty string' : show(app.script)}`);
  });
}

/**
 * A variable the environment cannot hold, in `env` or an `env_<name>`: bad input, named by its key (names are no
 * secret; a value is never quoted), before anything is written. land's schema refuses the same names.
 */
function refuseBadEnv(apps: unknown[], label: string): void {
  apps.forEach((app, index) => {
    if (!isObject(app)) return;
    for (const [key, env] of Object.entries(app)) {
      if ((key !== 'env' && !/^env_./.test(key)) || !isObject(env)) continue;
      for (const [name, value] of Object.entries(env)) {
        refuseVariable(`${label}: apps[${index}].${key}[${JSON.stringify(name)}]`, name, value);
      }
    }
  });
}

/** No app gave a tier: the first one's problem, before anything is written (as the process-compose import refuses). */
function nothingToRun(apps: unknown[]): string {
  const app = apps[0];
  if (!isObject(app)) return `apps[0]: expected an object with a script (no app has one, so there is no tier to run), got ${show(app)}`;
  return `apps[0].script: expected a string (the file to run): no app has one, so there is no tier to run`;
}

/** What an ecosystem file exported (its module's default, or the parsed JSON) → draft. */
export function draftFromPm2(exported: unknown, label: string, context: Pm2Context = { base: process.cwd(), configDir: process.cwd(), warnings: [] }): DraftConfig {
  const apps = isObject(exported) ? exported.apps : Array.isArray(exported) ? exported : undefined;
  if (!Array.isArray(apps) || apps.length === 0) throw new InputError(`${label}: apps: expected an array of apps, e.g. module.exports = { apps: [{ name: 'web', script: 'server.js' }] }`);
  const notes: string[] = ['pm2 restarts an app after any exit unless autorestart is false: those tiers have restart policy always.'];
  if (isObject(exported)) for (const key of Object.keys(exported)) if (key !== 'apps') notes.push(`not mapped (top level): ${key}`);
  const named = apps.map((app, index) => {
    const script = isObject(app) && typeof app.script === 'string' ? path.basename(app.script, path.extname(app.script)) : `app-${index + 1}`;
    return isObject(app) && typeof app.name === 'string' && app.name !== '' ? app.name : script;
  });
  refuseBadScripts(apps, label);
  refuseBadEnv(apps, label);
  const used = new Set<string>();
  const tiers: DraftTier[] = [];
  const entries: Array<{ app: App; tier?: DraftTier }> = [];
  apps.forEach((app, index) => {
    const name = uniqueName(named[index]!, used);
    const converted = isObject(app) ? convertApp(app, name, label, index, context) : `apps[${index}] is not an object: left out`;
    if (typeof converted === 'string') notes.push(converted);
    else tiers.push(converted);
    if (isObject(app)) entries.push({ app, ...(typeof converted === 'string' ? {} : { tier: converted }) });
  });
  if (tiers.length === 0) throw new InputError(`${label}: ${nothingToRun(apps)}`);
  const profiles = pm2Profiles(entries, notes);
  return { source: label, notes, envFiles: [...DEFAULTS.envFiles], tiers, ...profiles, warnings: context.warnings };
}
