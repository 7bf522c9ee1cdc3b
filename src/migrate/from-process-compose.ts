/**
 * `land init` from a process-compose.yaml: commands, environment, working_dir, depends_on conditions, probes,
 * availability (restart policy), shutdown (signal, timeout, command), is_daemon and is_interactive map onto land's
 * keys; everything else is named in a comment.
 */
import { constants } from 'node:os';
import { formatKeyPath } from '../config/config-issues.js';
import { MAX_REPLICAS } from '../config/limits.js';
import { InputError } from '../errors.js';
import { PROCFILE_ENV_FILES } from '../procfile/stack.js';
import { escapeRegExp } from '../text/regexp.js';
import { refuseVariable } from './env-check.js';
import { plainVars, renderProcessVars, replicaCommand, REPLICA_ENV_NOTE } from './pc-templates.js';
import { Code, commandFields, plainArgv, renameReason, tierNames, type DraftConfig, type DraftTier } from './draft.js';

type Yaml = Record<string, unknown>;

const isObject = (value: unknown): value is Yaml => typeof value === 'object' && value !== null && !Array.isArray(value);
const seconds = (value: unknown): number | undefined => (typeof value === 'number' && value >= 0 ? value : undefined);
const show = (value: unknown) => JSON.stringify(value);

/**
 * A variable the environment cannot hold (`environment: ["A\0B=x"]`, or a map's `A=B:`), at the top level or in any
 * process: refused before anything is written, as the PM2 import refuses one. An entry that is no `KEY=value` at all
 * is left out with a note (environment()).
 */
function refuseBadEnvironment(document: Yaml, processes: Yaml, label: string): void {
  const check = (value: unknown, path: Array<string | number>) => {
    if (Array.isArray(value)) {
      value.forEach((entry, index) => {
        const equals = typeof entry === 'string' ? entry.indexOf('=') : -1;
        if (equals >= 0) refuseVariable(`${label}: ${formatKeyPath([...path, index])}`, (entry as string).slice(0, equals).trim(), (entry as string).slice(equals + 1));
      });
    } else if (isObject(value)) {
      for (const [name, entry] of Object.entries(value)) refuseVariable(`${label}: ${formatKeyPath([...path, name])}`, name, String(entry));
    }
  };
  check(document.environment, ['environment']);
  for (const [name, process] of Object.entries(processes)) if (isObject(process)) check(process.environment, ['processes', name, 'environment']);
}

/** process-compose's defaults for a probe (Kubernetes'): every 10 s, 1 s timeout, 3 failures. */
const PROBE_DEFAULTS = { period: 10, timeout: 1, failures: 3, delay: 0 };

/** Keys read by this module; any other key of a process becomes a "not mapped" note. */
const MAPPED_KEYS = new Set([
  'command', 'entrypoint', 'description', 'working_dir', 'environment', 'depends_on', 'availability',
  'readiness_probe', 'liveness_probe', 'ready_log_line', 'shutdown', 'disabled', 'is_disabled', 'replicas', 'is_daemon',
  'is_interactive', 'vars', 'env_file',
]);
const TOP_LEVEL_KEYS = new Set(['version', 'processes', 'environment', 'vars']);

/** `env_file: db.env` (or a list): the tier's own env files, read before its `environment` as process-compose does. */
function envFilesOf(value: unknown, notes: string[]): string[] {
  if (value === undefined) return [];
  const files = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  if (files.length > 0 && files.every((file) => typeof file === 'string' && file !== '')) return files as string[];
  notes.push(`env_file ${show(value)}: expected a file path or a list of them: left out`);
  return [];
}

/** `environment: [KEY=value]` (or a map) as an object. */
function environment(value: unknown, notes: string[], where: string): Record<string, string> {
  const env: Record<string, string> = {};
  const entries = Array.isArray(value) ? value : isObject(value) ? Object.entries(value).map(([k, v]) => `${k}=${String(v)}`) : [];
  for (const entry of entries) {
    const match = typeof entry === 'string' ? /^([^=]+)=(.*)$/s.exec(entry) : null;
    if (match) env[match[1]!.trim()] = match[2]!;
    else notes.push(`${where}: ${show(entry)} is not KEY=value: left out`);
  }
  return env;
}

function signalName(value: unknown): string | undefined {
  if (typeof value === 'string' && value in constants.signals) return value;
  return Object.entries(constants.signals).find(([, number]) => number === value)?.[0];
}

/** A probe's check: http_get → { http: url }, exec → { exec: [sh, -c, command] }. */
function probeCheck(probe: Yaml, notes: string[], where: string): Record<string, unknown> | undefined {
  const http = probe.http_get;
  if (isObject(http)) {
    const scheme = String(http.scheme ?? 'http').toLowerCase();
    const host = String(http.host ?? '127.0.0.1');
    const path = String(http.path ?? '/');
    return { http: `${scheme}://${host}${http.port === undefined ? '' : `:${String(http.port)}`}${path.startsWith('/') ? path : `/${path}`}` };
  }
  const exec = probe.exec;
  if (isObject(exec) && typeof exec.command === 'string') {
    if (exec.working_dir !== undefined) notes.push(`${where}.exec.working_dir ${show(exec.working_dir)}: land runs exec probes in the tier's cwd`);
    return { exec: ['/bin/sh', '-c', exec.command] };
  }
  notes.push(`${where}: neither http_get nor exec with a command: not mapped`);
  return undefined;
}

function probeTiming(probe: Yaml) {
  return {
    period: seconds(probe.period_seconds) ?? PROBE_DEFAULTS.period,
    timeout: seconds(probe.timeout_seconds) ?? PROBE_DEFAULTS.timeout,
    failures: seconds(probe.failure_threshold) ?? PROBE_DEFAULTS.failures,
    delay: seconds(probe.initial_delay_seconds) ?? PROBE_DEFAULTS.delay,
  };
}

/** land's readiness is one deadline: the probe is retried until it passes or the deadline passes. */
function readiness(probe: Yaml, notes: string[]): Record<string, unknown> | undefined {
  const check = probeCheck(probe, notes, 'readiness_probe');
  if (!check) return undefined;
  const { period, failures, delay } = probeTiming(probe);
  const deadline = delay + period * failures;
  notes.push(
    `readiness_probe: retried until it passes, within ${deadline} s (initial_delay_seconds ${delay} + period_seconds ${period} × failure_threshold ${failures})`,
  );
  return { ...check, timeoutMs: Math.max(1, Math.round(deadline * 1000)) };
}

function liveness(probe: Yaml, notes: string[]): Record<string, unknown> | undefined {
  const check = probeCheck(probe, notes, 'liveness_probe');
  if (!check) return undefined;
  const { period, timeout, failures, delay } = probeTiming(probe);
  if (delay > 0) notes.push(`liveness_probe.initial_delay_seconds ${delay}: land starts liveness checks once the tier is ready`);
  if (probe.success_threshold !== undefined && probe.success_threshold !== 1) notes.push(`liveness_probe.success_threshold ${show(probe.success_threshold)}: land counts one success`);
  return { ...check, intervalMs: Math.round(period * 1000), timeoutMs: Math.max(1, Math.round(timeout * 1000)), failureThreshold: Math.max(1, Math.round(failures)) };
}

const RESTART_POLICIES: Record<string, string> = { always: 'always', on_failure: 'on-failure', 'on-failure': 'on-failure', no: 'never' };

/** availability → restart. process-compose restarts nothing unless asked, so no availability is policy never. */
function restart(availability: unknown, notes: string[]): Record<string, unknown> {
  if (!isObject(availability)) return { policy: 'never' };
  const given = String(availability.restart ?? 'no');
  let policy = RESTART_POLICIES[given];
  if (policy === undefined) {
    // exit_on_failure: any other value was refused by knownRestart.
    policy = 'never';
    notes.push(`availability.restart ${show(given)}: land stops the stack when a tier ends only with exitWith (on any exit, not only a failure); mapped to ${policy}`);
  }
  const result: Record<string, unknown> = { policy };
  const backoff = seconds(availability.backoff_seconds);
  if (backoff !== undefined && backoff > 0) {
    // Constant, as process-compose waits: land doubles from initialMs up to maxMs.
    const ms = Math.round(backoff * 1000);
    result.backoff = { initialMs: ms, maxMs: ms };
  }
  const max = availability.max_restarts;
  if (typeof max === 'number' && max > 0) result.maxRestarts = max;
  else if (policy !== 'never') notes.push("availability.max_restarts: unlimited in process-compose; land's budget is restart.maxRestarts (5 by default)");
  return result;
}

/** An `availability.restart` process-compose does not know is bad input (it refuses the file too): one line, exit 2. */
function knownRestart(label: string, name: string, process: Yaml): void {
  const given = isObject(process.availability) ? process.availability.restart : undefined;
  if (given === undefined || (typeof given === 'string' && (given in RESTART_POLICIES || given === 'exit_on_failure'))) return;
  throw new InputError(`${label}: ${formatKeyPath(['processes', name, 'availability', 'restart'])}: unknown value ${show(given)}, expected always, on_failure, exit_on_failure or no`);
}

const CONDITIONS: Record<string, string> = {
  process_started: 'started',
  process_healthy: 'ready',
  process_log_ready: 'ready',
  process_completed_successfully: 'completed',
  process_completed: 'completed',
};

function dependsOn(value: unknown, names: Map<string, string>, notes: string[]): Record<string, string> | undefined {
  if (!isObject(value)) return undefined;
  const result: Record<string, string> = {};
  for (const [dependency, spec] of Object.entries(value)) {
    const condition = String((isObject(spec) ? spec.condition : undefined) ?? 'process_started');
    const target = names.get(dependency);
    if (target === undefined) {
      notes.push(`depends_on.${dependency}: no such process in the file: left out`);
      continue;
    }
    result[target] = CONDITIONS[condition] ?? 'started';
    if (condition === 'process_completed') notes.push(`depends_on.${dependency}: process_completed: land's "completed" waits for exit code 0`);
    if (CONDITIONS[condition] === undefined) notes.push(`depends_on.${dependency}: condition ${show(condition)} unknown: mapped to started`);
  }
  return result;
}

/**
 * A daemon tier never completes (land reads no exit code of its daemon), so `completed` on one would not load:
 * process-compose means "once the daemon is up" there, which is land's `ready` when the daemon has a probe, else
 * `started`.
 */
function untilDaemonCompletes(deps: Record<string, string>, dep: string, target: DraftTier, notes: string[]): void {
  if (deps[dep] !== 'completed' || target.config.daemon !== true) return;
  deps[dep] = target.config.ready === undefined ? 'started' : 'ready';
  notes.push(`depends_on.${dep}: ${dep} is a daemon (is_daemon), which never completes in land: mapped to ${deps[dep]}`);
}

/**
 * shutdown.command (a shell line, as process-compose runs it) as land's stop.command: an argv when it is plain
 * words, a string when the tier's command already runs through a shell (`shell: true` applies to both), else an
 * explicit `/bin/sh -c` argv.
 */
function stopCommand(command: string, tierShell: boolean): string | string[] {
  if (tierShell) return command.trim();
  return plainArgv(command) ?? ['/bin/sh', '-c', command.trim()];
}

function stop(shutdown: unknown, tierShell: boolean, notes: string[]): Record<string, unknown> | undefined {
  if (!isObject(shutdown)) return undefined;
  const result: Record<string, unknown> = {};
  if (shutdown.signal !== undefined) {
    const name = signalName(shutdown.signal);
    if (name) result.signal = name;
    else notes.push(`shutdown.signal ${show(shutdown.signal)}: not a signal land knows: SIGTERM kept`);
  }
  const timeout = seconds(shutdown.timeout_seconds);
  if (timeout !== undefined && timeout > 0) result.timeoutMs = Math.round(timeout * 1000);
  if (typeof shutdown.command === 'string' && shutdown.command.trim() !== '') {
    result.command = stopCommand(shutdown.command, tierShell);
    if (result.signal !== undefined) notes.push(`shutdown.command and shutdown.signal: land runs the command instead of the signal, and sends ${String(result.signal)} only when the command fails`);
  } else if (shutdown.command !== undefined) notes.push(`shutdown.command ${show(shutdown.command)}: not a command line: left out`);
  if (shutdown.parent_only !== undefined) notes.push(`shutdown.parent_only ${show(shutdown.parent_only)}: land stops the tier's whole tree`);
  return Object.keys(result).length > 0 ? result : undefined;
}

/** replicas → replicas when land can run that many (1..64); anything else is left out with a note. */
function replicas(value: unknown, notes: string[]): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_REPLICAS) return value === 1 ? undefined : value;
  notes.push(`replicas: ${show(value)}: land runs a whole number 1..${MAX_REPLICAS} of replicas of a tier: left out (one instance)`);
  return undefined;
}

function commandOf(process: Yaml, notes: string[]): Record<string, unknown> | undefined {
  if (Array.isArray(process.entrypoint) && process.entrypoint.length > 0) {
    const argv = [...process.entrypoint, ...(typeof process.command === 'string' ? [process.command] : [])].map(String);
    if (typeof process.command === 'string') notes.push('entrypoint + command: joined as one argv');
    return { command: argv };
  }
  if (typeof process.command === 'string' && process.command.trim() !== '') return commandFields(process.command);
  return undefined;
}

/**
 * Why a process does not start with the others: `disabled: true`, or `is_disabled` ("true"; process-compose reads it
 * as text so that a template can set it, and renders templates before it reads it). Undefined when it starts.
 */
function whyStartsOff(process: Yaml, notes: string[]): string | undefined {
  const text = process.is_disabled;
  if (text === true || text === 'true') return `is_disabled: ${show(text)}`;
  // process-compose reads it after `disabled`: its "false" starts a process that `disabled: true` would not.
  if (text === false || text === 'false') {
    if (process.disabled === true) notes.push(`disabled: true, but is_disabled: ${show(text)} overrides it in process-compose: started`);
    return undefined;
  }
  if (text !== undefined) notes.push(`is_disabled ${show(text)}: neither true nor false (a template of vars?): left out, the tier starts`);
  return process.disabled === true ? 'disabled: true' : undefined;
}

/** One process as a tier; undefined (with a file note) when it has no command. */
function convertProcess(name: string, process: Yaml, names: Map<string, string>, shared: Record<string, string>): DraftTier | string {
  const notes: string[] = [];
  const given = commandOf(process, notes);
  if (!given) return `process "${name}" has no command: left out`;
  const command = replicaCommand(name, given, notes) ?? given;
  if (command === given && typeof process.replicas === 'number' && process.replicas > 1) notes.push(REPLICA_ENV_NOTE);
  const tierName = names.get(name)!;
  if (tierName !== name) notes.push(renameReason(name, 'process-compose.yaml', tierName));
  const config: Record<string, unknown> = { ...command };
  if (typeof process.description === 'string') config.description = process.description;
  if (typeof process.working_dir === 'string') config.cwd = process.working_dir;
  const env = { ...shared, ...environment(process.environment, notes, 'environment') };
  if (Object.keys(env).length > 0) config.env = env;
  const envFiles = envFilesOf(process.env_file, notes);
  if (envFiles.length > 0) config.envFiles = envFiles;
  config.dependsOn = dependsOn(process.depends_on, names, notes);
  if (isObject(process.readiness_probe)) config.ready = readiness(process.readiness_probe, notes);
  else if (typeof process.ready_log_line === 'string') config.ready = { log: escapeRegExp(process.ready_log_line) }; // plain text there; land's `ready.log` is a RegExp
  if (isObject(process.readiness_probe) && process.ready_log_line !== undefined) notes.push('ready_log_line: the readiness_probe is used instead');
  if (isObject(process.liveness_probe)) config.liveness = liveness(process.liveness_probe, notes);
  config.restart = restart(process.availability, notes);
  if (isObject(process.availability) && process.availability.exit_on_end === true) config.exitWith = true;
  config.stop = stop(process.shutdown, config.shell === true, notes);
  if (process.is_daemon === true) {
    config.daemon = true;
    notes.push('is_daemon: started once the command exits 0; land follows the daemon by its marks (LAND_BOOT_ID, TRACEPARENT) and stops it with the tier');
  } else if (process.is_daemon !== undefined && process.is_daemon !== false) notes.push(`is_daemon ${show(process.is_daemon)}: expected true or false: left out`);
  if (process.is_interactive === true) {
    config.stdin = true;
    notes.push('is_interactive: its stdin is a pipe land keeps open (not a terminal): `land attach <tier>` types into it');
  } else if (process.is_interactive !== undefined && process.is_interactive !== false) notes.push(`is_interactive ${show(process.is_interactive)}: expected true or false: left out`);
  config.replicas = replicas(process.replicas, notes);
  const startsOff = whyStartsOff(process, notes);
  if (startsOff !== undefined) {
    config.when = new Code('() => false');
    notes.push(`${startsOff} in process-compose: not started (\`land spawn ${tierName}\` starts it; remove \`when\` to start it with the stack)`);
  }
  for (const [key, value] of Object.entries(process)) {
    if (!MAPPED_KEYS.has(key)) notes.push(`not mapped: ${key}: ${show(value)}`);
  }
  return { name: tierName, notes, config, ...(startsOff === undefined ? {} : { startsOff }) };
}

/**
 * Why no process became a tier, naming the first: with none, init wrote a config of no tiers, which does not load
 * (`tiers: expected at least one tier`), and left it behind.
 */
function nothingToRun(processes: Record<string, unknown>): string {
  const [name, process] = Object.entries(processes)[0]!;
  const at = formatKeyPath(['processes', name]);
  if (!isObject(process)) return `${at}: expected a map with a command (no process has one, so there is no tier to run), got ${show(process)}`;
  return `${at}.command: expected a command line (or an entrypoint): no process has one, so there is no tier to run`;
}

/** Parsed YAML (the `yaml` package) → draft; a file that is not a process-compose file is an InputError. */
export async function draftFromProcessCompose(text: string, label: string): Promise<DraftConfig> {
  // yaml is CommonJS for Node: the CLI bundle's chunk exports it as a default only.
  const yaml = await import('yaml');
  const { parse } = yaml.default ?? yaml;
  let document: unknown;
  try {
    // process-compose reads YAML with go-yaml, which resolves `<<: *anchor` merge keys; yaml does only when asked.
    document = parse(text, { merge: true }) as unknown;
  } catch (error) {
    const where = (error as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line;
    throw new InputError(`${label}${where === undefined ? '' : `:${where}`}: not valid YAML: ${String((error as Error).message).split('\n')[0]}`);
  }
  if (!isObject(document) || !isObject(document.processes) || Object.keys(document.processes).length === 0) {
    throw new InputError(`${label}: processes: expected a map of processes, e.g. processes: { web: { command: … } }`);
  }
  refuseBadEnvironment(document, document.processes, label);
  const notes: string[] = [];
  const shared = environment(document.environment, notes, 'environment (top level)');
  if (Object.keys(shared).length > 0) notes.push('The top-level environment is copied into every tier\'s env.');
  for (const [key, value] of Object.entries(document)) {
    if (TOP_LEVEL_KEYS.has(key)) continue;
    // An `x-` key holds what anchors share (Compose's extension fields); what uses it was merged above.
    if (key.startsWith('x-')) notes.push(`${key}: an extension key, merged where a process uses its anchor; not a process`);
    else notes.push(`not mapped (top level): ${key}: ${show(value)}`);
  }
  notes.push('process-compose restarts nothing unless availability says so: tiers without it have restart policy never.');
  const names = tierNames(Object.keys(document.processes));
  const tiers: DraftTier[] = [];
  const warnings: string[] = [];
  const globalVars = plainVars(document.vars, [], warnings);
  for (const [name, process] of Object.entries(document.processes)) {
    if (isObject(process)) knownRestart(label, name, process);
    const converted = isObject(process) ? convertProcess(name, renderProcessVars(name, process, globalVars, warnings), names, shared) : `process "${name}" is not a map: left out`;
    if (typeof converted === 'string') notes.push(converted);
    else tiers.push(converted);
  }
  if (tiers.length === 0) throw new InputError(`${label}: ${nothingToRun(document.processes)}`);
  // A dependency on a process that was left out cannot be kept.
  const kept = new Map(tiers.map((tier) => [tier.name, tier]));
  for (const tier of tiers) {
    const deps = tier.config.dependsOn as Record<string, string> | undefined;
    for (const dep of Object.keys(deps ?? {})) {
      const target = kept.get(dep);
      if (target) {
        untilDaemonCompletes(deps!, dep, target, tier.notes);
        continue;
      }
      delete deps![dep];
      tier.notes.push(`depends_on.${dep}: that process was left out`);
    }
    if (deps && Object.keys(deps).length === 0) delete tier.config.dependsOn;
  }
  return { source: label, notes, envFiles: PROCFILE_ENV_FILES, tiers, ...(warnings.length > 0 ? { warnings: warnings.map((warning) => `${label}: ${warning}`) } : {}) };
}
