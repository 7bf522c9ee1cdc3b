/**
 * `land export compose`: one service per tier in `compose.yaml`, secrets in one env file per tier beside it (mode
 * 0600, named by `env_file:`, never in the main file).
 *
 * - `depends_on` conditions: `started` → service_started, `ready` → service_healthy (the dependency's healthcheck is
 *   its readiness probe), `completed` → service_completed_successfully.
 * - `healthcheck` from the readiness probe (start_period = its timeout); `restart`; `stop_signal` /
 *   `stop_grace_period`; `limits.memory` → `mem_limit` (a warning: the kernel kills, land stops); every string has `$` doubled (Compose interpolates variables).
 * - `replicas` → `deploy.replicas` (container-replicas.ts says what a replica misses; its `service.instance.id` is
 *   `<tier>.<container id>`, added by sh: replica-identity.ts).
 * - Not expressible: `daemon` and a stop command (warnings), a log-line readiness probe (a healthcheck cannot read the service's output: no healthcheck,
 *   and a dependent that waits for it to be ready waits for it to start), a liveness probe (Compose never restarts
 *   an unhealthy container), land's backoff and restart budget beyond `on-failure:<n>`.
 */
import { Document, isMap, type Pair, type YAMLMap } from 'yaml';
import { formatSize } from '../config/size.js';
import { daemonStopWarnings } from './daemon-stop.js';
import { composeEnvLine } from './env-file-syntax.js';
import { exitWithWarning } from './exit-with.js';
import { caseSafeStems } from './names.js';
import { containerReplicasWarning } from './container-replicas.js';
import { withShellReplicaId } from './replica-identity.js';
import { crontabAdvice } from './schedule.js';
import { describeProbe, seconds } from './probes.js';
import { execArgv } from './secret-words.js';
import {
  binarySize,
  memoryLimitWarning,
  containerCwd,
  defaultImage,
  groupWarnings,
  headerLines,
  YAML_OPTIONS,
  type EngineExport,
  type ExportFile,
  type ExportModel,
  type ExportTier,
  type ExportWarning,
} from './model.js';

export const COMPOSE_FILE = 'compose.yaml';

/** The smallest memory limit Docker accepts (its linuxMinMemory, 6 MiB). */
const DOCKER_MIN_MEMORY = 6 * 1024 ** 2;

type Service = Record<string, unknown>;

/** Compose interpolates `$VAR` in every string of the file: a literal `$` is written `$$`. */
function literal(text: string): string {
  return text.replace(/\$/g, '$$$$');
}

function healthcheck(tier: ExportTier): Service | undefined {
  const check = tier.readyCheck;
  if (!tier.ready || !check) return undefined;
  return {
    // A secret argument is read from the container's environment (the env_file) by `sh -c`.
    test: ['CMD', ...execArgv(check).map(literal)],
    interval: '1s',
    timeout: '2s',
    retries: 3,
    start_period: `${seconds(tier.ready.timeoutMs)}s`,
  };
}

function restartPolicy(tier: ExportTier): string {
  if (tier.restart.policy === 'never') return 'no';
  if (tier.restart.policy === 'always') return 'always';
  return `on-failure:${tier.restart.maxRestarts}`;
}

function dependsOn(model: ExportModel, tier: ExportTier, warn: (text: string) => void): Service | undefined {
  const entries = Object.entries(tier.dependsOn);
  if (entries.length === 0) return undefined;
  const conditions: Service = {};
  for (const [name, condition] of entries) {
    const dependency = model.tiers.find((other) => other.name === name)!;
    let mapped = condition === 'completed' ? 'service_completed_successfully' : condition === 'ready' ? 'service_healthy' : 'service_started';
    if (condition === 'ready' && healthcheck(dependency) === undefined) {
      mapped = 'service_started';
      // A dependency without any probe is ready after 150 ms alive in land: started is what that means here.
      if (dependency.ready) warn(`waits for ${name} to be ready, but ${name}'s ${describeProbe(dependency.ready)} probe has no healthcheck: it waits for ${name} to start`);
    }
    conditions[name] = { condition: mapped };
  }
  return conditions;
}

function service(model: ExportModel, tier: ExportTier, image: string, warnings: ExportWarning[], secrets: string | undefined): Service {
  const warn = (text: string) => warnings.push({ tier: tier.name, text });
  const ending = exitWithWarning('compose', model, tier);
  if (ending) warn(ending);
  for (const text of daemonStopWarnings('compose', tier)) warn(text);
  if (tier.ready && tier.readyCheck === undefined) {
    warn(`readiness probe ${describeProbe(tier.ready)} not mapped: a Compose healthcheck cannot read the service's output`);
  }
  if (tier.liveness) warn(`liveness probe (${describeProbe(tier.liveness)}) not mapped: Compose does not restart an unhealthy container`);
  const { backoff } = tier.restart;
  if (tier.restart.policy !== 'never') warn(`backoff ${backoff.initialMs}→${backoff.maxMs} ms not mapped: Docker restarts with its own doubling delay from 100 ms`);
  // on-failure:<n> carries the budget; `always` has none in Docker.
  if (tier.restart.policy === 'always') warn(`restart budget (${tier.restart.maxRestarts} restarts) not mapped: restart: always restarts the container without limit`);
  const replicas = containerReplicasWarning(tier, 'deploy.replicas', 'Compose', `${tier.name}.<its container id> (Docker's $HOSTNAME, added by /bin/sh before the command)`);
  if (replicas) warn(replicas);
  if (tier.limits) warn(memoryLimitWarning(tier.limits.memory, 'mem_limit'));
  // Docker's own floor (linuxMinMemory): `docker compose up` refuses the container, where land accepts down to 1M.
  if (tier.limits && tier.limits.memory < DOCKER_MIN_MEMORY) {
    warn(`memory limit ${formatSize(tier.limits.memory)} is under Docker's minimum of 6 MiB: Docker refuses to create the container`);
  }
  const entry: Service = {
    image,
    working_dir: literal(containerCwd(tier)),
    // A replica's service.instance.id from its container's hostname: Compose numbers no replica (replica-identity.ts).
    command: withShellReplicaId(tier, `${tier.name}.$HOSTNAME`, execArgv(tier.command)).map(literal),
    environment: Object.fromEntries(Object.entries(tier.env).map(([key, value]) => [key, literal(value)])),
  };
  // `docker compose attach <tier>` then types into it, as `land attach` does.
  if (tier.stdin) entry.stdin_open = true;
  if (tier.replicas !== undefined) entry.deploy = { replicas: tier.replicas };
  if (secrets !== undefined) entry.env_file = [secrets];
  const check = healthcheck(tier);
  if (check) entry.healthcheck = check;
  const conditions = dependsOn(model, tier, warn);
  if (conditions) entry.depends_on = conditions;
  Object.assign(entry, {
    restart: restartPolicy(tier),
    stop_signal: tier.stop.signal,
    stop_grace_period: `${tier.stop.timeoutMs}ms`,
    ...(tier.limits ? { mem_limit: binarySize(tier.limits.memory, ['k', 'm', 'g']) } : {}),
    ...(tier.schedule !== undefined ? { profiles: [scheduledProfile(tier, warn)] } : {}),
    labels: { 'land.tier': tier.tier, 'land.profile': model.profile, 'land.boot_id': model.deployId },
  });
  return entry;
}

/**
 * Compose has no scheduler: a scheduled tier's service goes into the Compose profile `scheduled`, which `docker
 * compose up` leaves out, for the host's crontab (or a systemd timer) to run at its times (a warning says how).
 */
function scheduledProfile(tier: ExportTier, warn: (text: string) => void): string {
  const advice = crontabAdvice(tier.schedule!, `docker compose -f ${COMPOSE_FILE} run --rm ${tier.name}`);
  warn(`schedule ${JSON.stringify(tier.schedule)} not mapped: Compose has no scheduler; the service is in the profile "scheduled", which \`docker compose up\` does not start: ${advice}`);
  return 'scheduled';
}

/** A tier's secrets file, by its file stem (names.ts `caseSafeStems`: its name unless another differs only in case). */
function secretsFile(stem: string): string {
  return `${stem}.secrets.env`;
}

/** Each service's warnings as a comment above it; the header and the stack's warnings at the top. */
function annotate(document: Document, model: ExportModel, warnings: readonly ExportWarning[]): void {
  const top = [...headerLines(model, 'compose'), ...groupWarnings(warnings.filter((w) => w.tier === undefined)).map((w) => `warning: ${w.text}`)];
  document.commentBefore = top.map((line) => ` ${line}`).join('\n');
  const services = document.get('services', true);
  if (!isMap(services)) return;
  for (const pair of (services as YAMLMap).items as Array<Pair<{ value?: unknown; commentBefore?: string | null }>>) {
    const name = String(pair.key && typeof pair.key === 'object' && 'value' in pair.key ? pair.key.value : pair.key);
    const lines = warnings.filter((w) => w.tier === name).map((w) => ` warning: ${w.text}`);
    if (lines.length > 0 && pair.key && typeof pair.key === 'object') pair.key.commentBefore = lines.join('\n');
  }
}

export function exportCompose(model: ExportModel, options: { image?: string } = {}): EngineExport {
  const image = options.image ?? defaultImage(model);
  const warnings: ExportWarning[] = [...model.warnings];
  const services: Record<string, Service> = {};
  const files: ExportFile[] = [];
  const withSecrets = model.tiers.filter((tier) => Object.keys(tier.secrets).length > 0).map((tier) => tier.name);
  const named = caseSafeStems(withSecrets, secretsFile);
  warnings.push(...named.warnings);
  for (const tier of model.tiers) {
    const stem = named.stems.get(tier.name);
    const secretsName = stem === undefined ? undefined : secretsFile(stem);
    services[tier.name] = service(model, tier, image, warnings, secretsName);
    const secrets = Object.entries(tier.secrets);
    if (secretsName !== undefined) {
      const lines = secrets.map(([key, value]) => {
        const written = composeEnvLine(key, value);
        if (written.problem) warnings.push({ tier: tier.name, text: `secret ${key} ${written.problem}` });
        return written.line;
      });
      files.push({ name: secretsName, content: `${lines.join('\n')}\n`, secret: true });
    }
  }
  const document = new Document({ services }, YAML_OPTIONS);
  annotate(document, model, warnings);
  files.unshift({ name: COMPOSE_FILE, content: document.toString({ lineWidth: 0 }) });
  return {
    engine: 'compose',
    files,
    warnings: groupWarnings(warnings),
    next: [`docker compose -f ${COMPOSE_FILE} up -d   # the image ${image} must hold the project at /app`],
  };
}
