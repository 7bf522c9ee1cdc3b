/**
 * The shared half of `land export`: a boot plan (config + profile) mapped once onto what every engine needs — the
 * tiers the profile starts, each with its argv, working folder, layered environment split into plain values and
 * secrets, probes, restart policy, stop, dependency conditions, and the telemetry contract of one deployment.
 * The engine modules (systemd.ts, compose.ts, kubernetes.ts) only render this model.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { ownInstanceId, RENAMED_KEYS, withoutOptedOutTelemetry } from '../config/hydrate.js';
import { formatSize } from '../config/size.js';
import { holdsSecret } from '../config/redact.js';
import { looksSecret } from '../config/secrets.js';
import type { BootPlan, DependencyCondition, ResolvedTier } from '../config/types.js';
import { telemetryEnvOf } from '../config/plan.js';
import { bootTrace, collectorEndpoint, type BootTrace } from '../telemetry/boot-trace.js';
import { readConfiguration } from '../telemetry/configuration.js';
import { InputError } from '../errors.js';
import { IMAGE_RULE, isImageReference } from './image-ref.js';
import { probeCheck, replicaProbeCheck } from './probes.js';
import { withSecretRefs, type Word } from './secret-words.js';
import { newBootId, newSpanId } from '../telemetry/ids.js';
import { traceContextEnv } from '../telemetry/outer-context.js';

export type Engine = 'systemd' | 'compose' | 'kubernetes' | 'supervisord';
export const ENGINES: readonly Engine[] = ['systemd', 'compose', 'kubernetes', 'supervisord'];

/** What an engine could not express, said once in the output and again as a comment in the file it concerns. */
export interface ExportWarning {
  tier?: string;
  text: string;
}

export interface ExportTier {
  name: string;
  /** The telemetry tier name (LAND_TIER). */
  tier: string;
  description?: string;
  /**
   * The argv as land would spawn it (a `shell: true` command is already `/bin/sh -c …`), each argument that holds a
   * secret replaced by a reference to one of `secrets` (secret-words.ts); so are the probes' checks and the stop command.
   */
  command: Word[];
  /** Absolute, and relative to the config folder (for a container, where the project sits at the image's root). */
  cwd: string;
  relativeCwd: string;
  /** Env files + profile + the tier's env + what land injects, without the secrets. Sorted by key. */
  env: Record<string, string>;
  /**
   * The secret part of the same layers (by key name: `Authorize`, *TOKEN*, *SECRET*, …), and the secret arguments of
   * the commands (`LAND_<PURPOSE>_SECRET_<n>`). Never printed.
   */
  secrets: Record<string, string>;
  ready?: ResolvedTier['ready'];
  /** The readiness probe as a command (probes.ts), undefined for a log probe. */
  readyCheck?: Word[];
  liveness?: ResolvedTier['liveness'];
  livenessCheck?: Word[];
  /**
   * For a tier with replicas and a port whose probe names that port: the checks reading the replica's port from
   * `$PORT` (probes.ts `replicaProbeCheck`), for replicas side by side on one host (systemd's template unit).
   */
  replicaChecks?: { ready?: Word[]; liveness?: Word[] };
  restart: ResolvedTier['restart'];
  stop: { signal: NodeJS.Signals; timeoutMs: number; command?: Word[] };
  /** `memory`: bytes of resident memory for the tier's whole tree. */
  limits?: ResolvedTier['limits'];
  /** As configured: N instances, `<tier>.1` … `<tier>.N`, replica n with LAND_REPLICA=n and PORT=port + n - 1. */
  replicas?: number;
  /** Replicas whose environment sets no `service.instance.id`: each engine adds the replica's (replica-identity.ts). */
  replicaId?: true;
  /** The first instance's port (its PORT in `env`). */
  port?: number;
  dependsOn: Record<string, DependencyCondition>;
  /**
   * Exported as a one-shot (a unit or Job whose end the engine waits for) only when a dependent waits for it to be
   * `completed`: the one case where land itself treats its end as something to wait for. Every other tier is a
   * service, whatever its probe or policy (land's own lifecycle for it: running, ready after its probe or 150 ms
   * alive, restarted by its policy); docs/decisions.md, "Exporting services and one-shots".
   */
  oneShot: boolean;
  /** Why the profile's `when` predicate let it start (decided now, at export time). */
  decidedWhen: boolean;
  /** `exitWith: true`: no engine maps it (exit-with.ts says what comes closest). */
  exitWith?: true;
  /**
   * `daemon`: the command starts a daemon and exits 0 (daemon-stop.ts says what each engine does with it); `pidFile`,
   * the file that names it (systemd's PIDFile=).
   */
  daemon?: { pidFile?: string };
  /** A scheduled tier's cron expression: a timer, a CronJob, or a warning (schedule.ts beside this file). */
  schedule?: string;
  /** `stdin: true`: Compose's `stdin_open`, Kubernetes' container `stdin`; systemd and supervisord say how (or not). */
  stdin?: true;
}

export interface ExportModel {
  app: string;
  version: string;
  profile: string;
  rootDir: string;
  /** The file the stack was read from (a config or a Procfile): errors about its tiers name it. */
  configFile: string;
  /** The deployment's identity: LAND_BOOT_ID of every tier, and the trace its first starts join. */
  deployId: string;
  traceId: string;
  tiers: ExportTier[];
  /** Tiers the profile gates off, with why: not exported, said in the header. */
  gatedOff: Array<{ name: string; by: string }>;
  /** The OTLP collector endpoint of the profile's telemetry settings, when its OTLP pipe is on. */
  otlpEndpoint?: string;
  warnings: ExportWarning[];
}

/** Sorted keys: the same stack exports to the same text (but for the deployment's ids). */
function sorted(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Copies whichever spelling of a renamed telemetry key is set onto the other (the newer wins), as hydrate does. */
function alignRenamedKeys(env: Record<string, string>): void {
  for (const [oldName, newName] of RENAMED_KEYS) {
    const value = env[newName] || env[oldName];
    if (value) {
      env[oldName] = value;
      env[newName] = value;
    }
  }
}

/**
 * A tier no probe describes may run for ever (a Procfile's `worker:`) or complete: the config does not say which,
 * so only a dependent waiting for `completed` makes it a one-shot. `restart: never` does not: it says what follows
 * an exit, not that one comes, and a long-running tier as a one-shot would hold its dependents (and systemd's
 * start job, which has no timeout for Type=oneshot) until it exits.
 */
function isOneShot(tier: ResolvedTier, plan: BootPlan, enabled: ReadonlySet<string>): boolean {
  return plan.config.tiers.some((other) => enabled.has(other.name) && other.dependsOn[tier.name] === 'completed');
}

interface Deployment {
  deployId: string;
  traceId: string;
  otlpEndpoint?: string;
  outer: BootTrace;
}

/** Layers 2–5 of a child's environment; layer 1 (land's own shell) stays on this machine. */
function layeredEnv(plan: BootPlan, tier: ResolvedTier, deployment: Deployment): Record<string, string> {
  const env: Record<string, string> = { ...withoutOptedOutTelemetry({ ...plan.profileEnv }, tier), ...tier.fileEnv, ...tier.env };
  alignRenamedKeys(env);
  const app = plan.config.app;
  // An id of the tier's own is kept, as land keeps it (its value replaces the whole variable); a replica's is the engine's.
  const own = ownInstanceId(env.OTEL_RESOURCE_ATTRIBUTES);
  Object.assign(env, {
    OTLP_TRACE_ID: deployment.traceId,
    LAND_TIER: tier.tier,
    LAND_PROFILE: plan.profile,
    LAND_BOOT_ID: deployment.deployId,
    OTEL_SERVICE_NAME: `${app}-${tier.tier}`,
    OTEL_RESOURCE_ATTRIBUTES: `land.tier=${tier.tier},land.profile=${plan.profile},land.boot_id=${deployment.deployId}${own === undefined ? '' : `,service.instance.id=${own}`}`,
    LAND_APP: app,
    LAND_APP_VERSION: plan.config.version,
    // One span id per tier under the deployment's trace: each tier's first start joins the deploy trace.
    ...traceContextEnv(deployment.traceId, newSpanId(), deployment.outer),
  });
  if (deployment.otlpEndpoint !== undefined) env.OTEL_EXPORTER_OTLP_ENDPOINT = deployment.otlpEndpoint;
  // The first instance's PORT, as land gives replica 1.
  if (tier.port !== undefined) env.PORT = String(tier.port);
  return env;
}

function splitSecrets(env: Record<string, string>): { env: Record<string, string>; secrets: Record<string, string> } {
  const plain: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    // An empty secret is no secret (the sample files ship `Authorize=`): keep it visible, it says PostHog is off.
    if ((looksSecret(key) || holdsSecret(value)) && value !== '') secrets[key] = value;
    else plain[key] = value;
  }
  return { env: sorted(plain), secrets: sorted(secrets) };
}

/** A probe's check as words, its secret arguments moved to `secrets`. */
function checkOf(spec: ResolvedTier['ready'], purpose: string, secrets: Record<string, string>): Word[] | undefined {
  const check = spec === undefined ? undefined : probeCheck(spec);
  return check && withSecretRefs(check, purpose, secrets);
}

function replicaChecksOf(tier: ResolvedTier, base: number, secrets: Record<string, string>): ExportTier['replicaChecks'] {
  const of = (spec: ResolvedTier['ready'], purpose: string) => {
    const check = spec === undefined ? undefined : replicaProbeCheck(spec, base);
    return check && withSecretRefs(check, purpose, secrets);
  };
  const ready = of(tier.ready, 'REPLICA_READY');
  const liveness = of(tier.liveness, 'REPLICA_LIVENESS');
  return { ...(ready ? { ready } : {}), ...(liveness ? { liveness } : {}) };
}

function exportTier(plan: BootPlan, tier: ResolvedTier, deployment: Deployment, enabled: ReadonlySet<string>): ExportTier {
  const { env, secrets } = splitSecrets(layeredEnv(plan, tier, deployment));
  const relativeCwd = path.relative(plan.config.rootDir, tier.cwd) || '.';
  const { command: stopCommand, ...stop } = tier.stop;
  const exported: ExportTier = {
    name: tier.name,
    tier: tier.tier,
    command: withSecretRefs(tier.command, 'COMMAND', secrets),
    cwd: tier.cwd,
    relativeCwd,
    env,
    secrets,
    restart: tier.restart,
    stop: stopCommand ? { ...stop, command: withSecretRefs(stopCommand, 'STOP', secrets) } : stop,
    dependsOn: Object.fromEntries(Object.entries(tier.dependsOn).filter(([name]) => enabled.has(name))),
    oneShot: isOneShot(tier, plan, enabled),
    decidedWhen: tier.when !== undefined,
  };
  if (tier.description !== undefined) exported.description = tier.description;
  if (tier.exitWith) exported.exitWith = true;
  if (tier.daemon) exported.daemon = { ...tier.daemon };
  if (tier.schedule !== undefined) exported.schedule = tier.schedule;
  if (tier.stdin) exported.stdin = true;
  if (tier.ready !== undefined) exported.ready = tier.ready;
  if (tier.liveness !== undefined) exported.liveness = tier.liveness;
  const readyCheck = checkOf(tier.ready, 'READY', secrets);
  if (readyCheck) exported.readyCheck = readyCheck;
  const livenessCheck = checkOf(tier.liveness, 'LIVENESS', secrets);
  if (livenessCheck) exported.livenessCheck = livenessCheck;
  if (tier.replicas !== undefined && tier.port !== undefined) exported.replicaChecks = replicaChecksOf(tier, tier.port, secrets);
  exported.secrets = sorted(secrets);
  if (tier.limits !== undefined) exported.limits = tier.limits;
  if (tier.replicas !== undefined) exported.replicas = tier.replicas;
  if (tier.replicas !== undefined && ownInstanceId(env.OTEL_RESOURCE_ATTRIBUTES) === undefined) exported.replicaId = true;
  if (tier.port !== undefined) exported.port = tier.port;
  return exported;
}

/**
 * The model of one export. `env` is land's own environment: a valid TRACEPARENT there makes the deployment join
 * that trace (TRACESTATE and BAGGAGE go along, as for a boot); otherwise the deployment gets a trace of its own.
 */
export function buildExportModel(plan: BootPlan, env: Readonly<Record<string, string | undefined>> = process.env): ExportModel {
  const outer = bootTrace(env);
  const deployment: Deployment = {
    deployId: newBootId(),
    traceId: outer.traceId,
    otlpEndpoint: collectorEndpoint(readConfiguration(telemetryEnvOf(plan))),
    outer,
  };
  const enabled = new Set(plan.tiers.filter((tier) => tier.enabled).map((tier) => tier.name));
  const tiers = plan.config.tiers.filter((tier) => enabled.has(tier.name)).map((tier) => exportTier(plan, tier, deployment, enabled));
  const warnings: ExportWarning[] = outer.warnings.map((text) => ({ text }));
  for (const tier of tiers) {
    if (tier.decidedWhen) warnings.push({ tier: tier.name, text: `its \`when\` predicate was decided at export time, under profile ${plan.profile}: the engine starts it unconditionally` });
  }
  for (const tier of plan.config.tiers.filter((t) => enabled.has(t.name))) {
    if (tier.watch !== undefined) warnings.push({ tier: tier.name, text: 'watch (restart on file changes) not exported: a development feature of land up' });
  }
  for (const gated of plan.tiers.filter((tier) => !tier.enabled)) {
    if (gated.gatedBy === 'when') warnings.push({ tier: gated.name, text: `not exported: its \`when\` predicate was false at export time, under profile ${plan.profile}` });
  }
  return {
    app: plan.config.app,
    version: plan.config.version,
    profile: plan.profile,
    rootDir: plan.config.rootDir,
    configFile: plan.config.configFile,
    deployId: deployment.deployId,
    traceId: deployment.traceId,
    tiers,
    gatedOff: plan.tiers.filter((tier) => !tier.enabled).map((tier) => ({ name: tier.name, by: tier.gatedBy ?? '?' })),
    otlpEndpoint: deployment.otlpEndpoint,
    warnings,
  };
}

/** The absolute path of a command, searched on PATH as the shell would, or undefined when not found. */
export function resolveExecutable(command: string, cwd: string, searchPath: string | undefined): string | undefined {
  const isFile = (file: string) => existsSync(file) && statSync(file).isFile();
  if (command.includes('/')) {
    const file = path.resolve(cwd, command);
    return isFile(file) ? file : undefined;
  }
  for (const dir of (searchPath ?? '').split(':').filter(Boolean)) {
    const file = path.join(dir, command);
    if (isFile(file)) return file;
  }
  return undefined;
}

/** One line a person reads: `tier sky: …` or the text alone. */
export function describeWarning(warning: ExportWarning): string {
  if (warning.tier === undefined) return warning.text;
  return `${warning.tier.includes(', ') ? 'tiers' : 'tier'} ${warning.tier}: ${warning.text}`;
}

/** A file an export writes: its name inside the output folder, its text, and whether it holds secrets (0600). */
export interface ExportFile {
  name: string;
  content: string;
  secret?: boolean;
}

/** What an engine module returns: its files, and the warnings of the model plus its own. */
export interface EngineExport {
  engine: Engine;
  files: ExportFile[];
  warnings: ExportWarning[];
  /** What to run next, one line each (paths relative to the output folder). */
  next: string[];
}

/** Warnings about one tier (or the whole stack, for `undefined`), as comment lines with the given prefix. */
export function warningComments(warnings: readonly ExportWarning[], tier: string | undefined, prefix = '# '): string[] {
  return warnings.filter((warning) => warning.tier === tier).map((warning) => `${prefix}warning: ${warning.text}`);
}

/** The first lines of every exported file: where it came from, and the deployment it belongs to. */
export function headerLines(model: ExportModel, engine: Engine): string[] {
  const gated = model.gatedOff.map((tier) => `${tier.name} (${tier.by})`).join(', ');
  return [
    `Generated by \`land export ${engine}\` from ${model.app} ${model.version}, profile ${model.profile}.`,
    `Deployment ${model.deployId}: the first start of every tier joins trace ${model.traceId}.`,
    gated === '' ? 'The profile starts every tier.' : `Not exported (gated off by the profile): ${gated}.`,
  ];
}

/** Total of the restart delays land would wait before giving up: initial, doubling, capped. */
export function backoffBudgetMs(restart: ExportTier['restart']): number {
  let total = 0;
  for (let attempt = 0; attempt < restart.maxRestarts; attempt += 1) {
    total += Math.min(restart.backoff.initialMs * 2 ** attempt, restart.backoff.maxMs);
  }
  return total;
}

/** Warnings with the same text about several tiers, said once: `tiers a, b: …`. Order of first appearance. */
export function groupWarnings(warnings: readonly ExportWarning[]): ExportWarning[] {
  const byText = new Map<string, ExportWarning & { tiers: string[] }>();
  const grouped: Array<ExportWarning & { tiers: string[] }> = [];
  for (const warning of warnings) {
    const same = warning.tier === undefined ? undefined : byText.get(warning.text);
    if (same) {
      same.tiers.push(warning.tier!);
      continue;
    }
    const entry = { ...warning, tiers: warning.tier === undefined ? [] : [warning.tier] };
    if (warning.tier !== undefined) byText.set(warning.text, entry);
    grouped.push(entry);
  }
  return grouped.map(({ tiers, text, tier }) => (tiers.length > 1 ? { tier: tiers.join(', '), text } : { tier, text }));
}

/**
 * How Compose and Kubernetes files are written: YAML 1.1 rules, so a string such as \`no\`, \`on\` or \`0x10\` is
 * quoted (docker-compose and Kubernetes read YAML 1.1, where those are booleans and numbers), and no anchors.
 */
export const YAML_OPTIONS = { version: '1.1', aliasDuplicateObjects: false } as const;

/**
 * `bytes` in the largest unit that divides it (powers of 1024), spelt with `units` (e.g. `['K', 'M', 'G']` for
 * systemd, `['Ki', 'Mi', 'Gi']` for Kubernetes, where `M` means 10^6); plain bytes when none does.
 */
export function binarySize(bytes: number, units: readonly [string, string, string]): string {
  for (let index = units.length - 1; index >= 0; index -= 1) {
    const size = 1024 ** (index + 1);
    if (bytes % size === 0) return `${bytes / size}${units[index]}`;
  }
  return String(bytes);
}

/** What every engine's memory limit does differently from land's: said as a warning where it is mapped. */
export function memoryLimitWarning(limit: number, setting: string): string {
  return `memory limit ${formatSize(limit)} mapped to ${setting}: the kernel kills the tier (OOM, SIGKILL, no stop signal) as soon as its cgroup reaches it, page cache included, where land stops it gracefully after its tree's resident memory stayed over the limit for 2 samples`;
}

/**
 * An image reference for the stack when none is given: `<app>:<version>`, the app lowercased as references must be.
 * Checked as `--image` is: an app name or a version a reference cannot hold (`shop_`, `1.0.0+build.5`) would give a
 * file that Compose refuses, or a pod stuck in InvalidImageName, so it is bad input that names the fix.
 */
export function defaultImage(model: ExportModel): string {
  const image = `${model.app.toLowerCase()}:${model.version}`;
  if (!isImageReference(image)) {
    throw new InputError(`--image: not given, and the default <app>:<version>, ${JSON.stringify(image)}, is not ${IMAGE_RULE}: pass --image <reference>`);
  }
  return image;
}

/** Where a tier works inside an image that holds the project at /app. */
export function containerCwd(tier: ExportTier): string {
  return tier.relativeCwd === '.' ? '/app' : `/app/${tier.relativeCwd}`;
}
