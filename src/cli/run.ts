/**
 * `land run [--profile <name>] [--tier <tier>] -- <command…>` (foreman's `run`): one command in the foreground with
 * the environment a tier would get under the profile, nothing else started, no boot recorded. The command keeps
 * land's stdin, stdout and stderr (a terminal stays a terminal) and, in the terminal's foreground, land's process
 * group; land exits with its code (dies of its signal).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import path from 'node:path';
import { PROCFILE_NAME } from '../config/locate.js';
import { hydrateChildEnv } from '../config/hydrate.js';
import { resolvePlan, telemetryEnvOf } from '../config/plan.js';
import { DEFAULTS } from '../config/resolve.js';
import type { BootPlan, ResolvedTier } from '../config/types.js';
import { InputError, oneLine } from '../errors.js';
import { checkExecLimits, checkNulBytes } from '../supervisor/preflight-env.js';
import { parseInstanceName, replicaConfig } from '../supervisor/replicas.js';
import { describeSpawnFailure } from '../supervisor/spawn-child.js';
import { collectorEndpoint } from '../telemetry/boot-trace.js';
import { readConfiguration } from '../telemetry/configuration.js';
import { newBootId, newSpanId } from '../telemetry/ids.js';
import { traceContextEnv } from '../telemetry/outer-context.js';
import { inTerminalForeground } from '../runtime/terminal-group.js';
import { readConfig, type InputOptions } from './inputs.js';
import { inheritedTrace } from './inherited-trace.js';
import { withMachineStdout } from './machine-output.js';
import { guardBoot } from './guardian.js';
import { runningStack, stackTelemetry, type RunningStack, type StackTelemetry } from './running-stack.js';
import { unknownTiers } from '../logs/selection.js';

export interface RunOptions extends InputOptions {
  tier?: string;
}

/** Without --tier: what every tier shares (land's environment, env files, profile), under the telemetry tier `run`. */
function stackWideTier(plan: BootPlan): ResolvedTier {
  const { restart, stop } = DEFAULTS.tier;
  return {
    name: 'run',
    tier: 'run',
    command: [],
    shell: false,
    cwd: plan.config.rootDir,
    env: {},
    envFiles: [],
    inheritEnv: true,
    allowEnv: [],
    telemetryEnv: true,
    gate: [],
    dependsOn: {},
    restart: { ...restart, backoff: { ...restart.backoff } },
    stop: { ...stop },
  };
}

/** `--tier api` (a tier with replicas: as its first replica would get it) or `--tier api.2` (that replica). */
function configuredTier(plan: BootPlan, name: string): ResolvedTier | undefined {
  // The whole name: `web.2.9` or `web.02` is not web.2.
  const instance = parseInstanceName(name);
  const base = plan.config.tiers.find((tier) => tier.name === instance?.group);
  const index = instance?.index ?? 1;
  if (base && base.replicas === undefined && instance?.index === undefined) return base;
  if (base?.replicas !== undefined && index <= base.replicas) return replicaConfig(base, index);
  return undefined;
}

/**
 * The tier `--tier` names. A replica the config (or `-m`) does not declare is still known while the running stack
 * runs it: a Procfile stack started with `land up -m web=2`, or a tier `land scale` grew.
 */
function namedTier(plan: BootPlan, name: string, formation: string | undefined, { status: stack, silent }: RunningStack): ResolvedTier {
  const configured = configuredTier(plan, name);
  if (configured) return configured;
  const instance = parseInstanceName(name);
  const base = plan.config.tiers.find((tier) => tier.name === instance?.group);
  const runs = stack?.tiers.some((tier) => tier.name === name) === true;
  if (base && instance?.index !== undefined && formation === undefined && runs) return replicaConfig(base, instance.index);
  const unknown = `--tier: ${unknownTiers([name], plan.config.tiers.map((tier) => tier.name))}`;
  // A Procfile has no config to declare replicas in: the formation is given as to land up.
  const procfile = path.basename(plan.config.configFile) === PROCFILE_NAME;
  const formed = base && instance?.index !== undefined && procfile ? `; name the formation as for land up (land run -m ${base.name}=${instance.index} --tier ${name} -- …)` : '';
  // A stack that took the request and did not answer may run the replica (scaled, or started with -m): not "none runs it".
  if (base && instance?.index !== undefined && silent) throw new InputError(`${unknown}: the running stack did not answer, so the replicas it runs are not known${formed}`);
  if (formed) throw new InputError(`${unknown}: no running stack runs it${formed}`);
  throw new InputError(unknown);
}

/**
 * The command's environment: hydrated as for a tier's start, in a boot of its own that nothing records. Its trace:
 * the one land was started under (TRACEPARENT, TRACESTATE, BAGGAGE) when it is valid (a tier's script, a CI step say
 * where the command belongs), else the running stack's boot (under its `land.boot` span), else a trace of its own.
 * With no land span between them, the command's parent is that span itself (or a span id nobody exports). Its OTLP
 * endpoint: the running stack's receiver, as its tiers get it, else the collector when the OTLP pipe is on.
 */
function commandEnv(plan: BootPlan, tier: ResolvedTier, bootId: string, stack: StackTelemetry | undefined): Record<string, string> {
  const trace = inheritedTrace(process.env);
  const joined = trace.parent === undefined ? stack : undefined;
  const traceId = joined?.traceId ?? trace.traceId;
  const parentSpanId = (joined ? joined.parentSpanId : trace.parent?.spanId) ?? newSpanId();
  // Joined: the boot's TRACESTATE and BAGGAGE, as its tiers get them (BAGGAGE given to run alone, when it has none).
  const outer = joined ? { parent: joined.outer?.parent, baggage: joined.outer?.baggage ?? trace.baggage } : trace;
  const traceContext = traceContextEnv(traceId, parentSpanId, outer);
  const env = hydrateChildEnv(plan, tier, {
    bootId,
    traceId,
    traceparent: traceContext.TRACEPARENT!,
    traceContext,
    otlpEndpoint: stack?.otlpEndpoint ?? collectorEndpoint(readConfiguration(telemetryEnvOf(plan))),
    otlpProtocol: stack?.otlpProtocol,
  });
  // No land emits a session:start for it: the command's own telemetry (land's library) may.
  delete env.LAND_SUPERVISED;
  return env;
}

const FORWARDED = ['SIGINT', 'SIGQUIT', 'SIGHUP', 'SIGTERM', 'SIGUSR2'] as const;
/** What a terminal sends to its foreground group (Ctrl-C, Ctrl-\, a hangup). */
const FROM_TERMINAL = new Set<NodeJS.Signals>(['SIGINT', 'SIGQUIT', 'SIGHUP']);

/**
 * Signals sent to land go on to the command. In the terminal's foreground the command shares land's group, so what
 * the terminal sends reaches it by itself (passing it on too delivered it twice): only the rest is passed on.
 * Elsewhere the command leads a group of its own (so a parent's `kill(-pgid)` reaches it once, through land) and
 * every signal goes on to that group.
 */
function forwardSignals(child: ChildProcess, ownGroup: boolean): () => void {
  const handlers = FORWARDED.map((signal) => {
    const handler = () => {
      if (!ownGroup && FROM_TERMINAL.has(signal)) return;
      try {
        process.kill(ownGroup ? -child.pid! : child.pid!, signal);
      } catch {
        // already gone: its exit is on its way
      }
    };
    process.on(signal, handler);
    return () => process.off(signal, handler);
  });
  return () => handlers.forEach((off) => off());
}

/**
 * The command died of `signal`: land dies of it too (as env, timeout and npm do), so a shell loop over `land run`
 * stops at Ctrl-C; 128 + n if land outlives it.
 */
function dieOf(signal: NodeJS.Signals): Promise<number> {
  const code = 128 + constants.signals[signal];
  if (FROM_TERMINAL.has(signal) || signal === 'SIGTERM') process.kill(process.pid, signal);
  return new Promise((resolve) => setImmediate(() => resolve(code)));
}

export async function runCommand(argv: string[], options: RunOptions): Promise<number> {
  if (argv.length === 0) throw new InputError('run: expected a command after `--` (land run [--tier <tier>] -- <command…>)');
  // stdout is the command's: what the config prints as it loads (or a `when` predicate) goes to stderr.
  const plan = await withMachineStdout(true, async () => resolvePlan(await readConfig(options), { profile: options.profile, shellEnv: process.env }));
  const stack = await runningStack(plan);
  const tier = options.tier === undefined ? stackWideTier(plan) : namedTier(plan, options.tier, options.formation, stack);
  // `land up`'s checks of what exec refuses: node's own errors would quote the value (a secret) or say only E2BIG.
  checkNulBytes(plan);
  checkExecLimits(plan, { ...tier, command: argv });
  const bootId = newBootId();
  const env = commandEnv(plan, tier, bootId, stackTelemetry(stack.status));
  // A land killed outright (SIGKILL) leaves nothing of the command: the guardian reaps what bears its boot id, the
  // command and its descendants. Not its process group: in a terminal that is the shell's job, a pipe's other
  // commands included. Started before the command, so no moment leaves it unguarded.
  const guardian = guardBoot(bootId);
  const code = await runGuarded(argv, env);
  await guardian.dismiss();
  if (typeof code === 'number') return code;
  return dieOf(code);
}

/** The command's exit code, or the signal it died of. */
function runGuarded(argv: string[], env: Record<string, string>): Promise<number | NodeJS.Signals> {
  return new Promise((resolve) => {
    // Outside the terminal's foreground (or with no terminal), a group of its own: see forwardSignals.
    const ownGroup = !inTerminalForeground();
    let child: ChildProcess;
    try {
      child = spawn(argv[0]!, argv.slice(1), { stdio: 'inherit', env, detached: ownGroup });
    } catch (error) {
      process.stderr.write(`land: run: ${argv[0]}: ${describeSpawnFailure(error as NodeJS.ErrnoException)}\n`);
      return resolve(126);
    }
    const stopForwarding = forwardSignals(child, ownGroup);
    child.once('error', (error: NodeJS.ErrnoException) => {
      stopForwarding();
      // The shell's codes: 127 not found, 126 found but not runnable.
      process.stderr.write(`land: run: ${argv[0]}: ${oneLine(error)}\n`);
      resolve(error.code === 'ENOENT' ? 127 : 126);
    });
    child.once('exit', (code, signal) => {
      stopForwarding();
      resolve(signal ?? code ?? 1);
    });
  });
}
