/**
 * `land export kubernetes`: `<app>.yaml` with, per tier, a ConfigMap (its environment) and a Deployment (a Job for a
 * one-shot tier); `<app>-secrets.yaml` (mode 0600) with a Secret per tier that has secrets (the telemetry key).
 *
 * - Probes one to one: tcp → tcpSocket, http → httpGet, exec → exec. land's readiness deadline becomes a
 *   startupProbe (the container is killed when it is not ready in time, as land kills the tier) beside the
 *   readinessProbe; a liveness probe keeps its interval, timeout and failure threshold.
 * - Dependencies: one init container per dependency that waits for its condition with `kubectl wait` (started: a
 *   pod of it running; ready: its pods Ready; completed: its Job complete), under a ServiceAccount that may read pods
 *   and jobs of the namespace.
 * - Stop: terminationGracePeriodSeconds from the stop timeout; a stop command is a preStop exec hook, and without
 *   one a stop signal other than SIGTERM is sent by a preStop hook (`kill -<SIG> 1`), both before Kubernetes' own
 *   SIGTERM. `daemon` is not expressible (a container ends with its main process): a warning.
 * - `replicas`: the Deployment's; each pod's `service.instance.id` is its name (downward API: replica-identity.ts).
 * - A tier's `port`: the container's `ports`, and a ClusterIP Service named as the tier (`http://<tier>:<port>`).
 * - `limits.memory` → `resources.limits.memory` in Ki/Mi/Gi (a warning: the container is OOMKilled, not stopped).
 * - A Job only for a one-shot tier (one a dependent waits for to be `completed`: `kubectl wait` needs a Job's
 *   `complete` condition); every other tier is a Deployment, whose pod is restarted after any exit (a warning when
 *   the policy is not `always`).
 * - Not expressible: a log-line probe, a Deployment that is not restarted after exit (restartPolicy is Always),
 *   land's backoff and restart budget for a Deployment (kubelet's CrashLoopBackOff applies): warnings and comments.
 */
import { containerReplicasWarning } from './container-replicas.js';
import { addsReplicaId, replicaAttributes } from './replica-identity.js';
import { Document } from 'yaml';
import { checkSeconds, describeProbe, seconds } from './probes.js';
import { execArgv, hasSecret, isSecretRef, wordText, type Word } from './secret-words.js';
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
import type { ProbeSpec } from '../config/types.js';
import { daemonStopWarnings } from './daemon-stop.js';
import { exitWithWarning } from './exit-with.js';
import { dnsName, serviceNames, tierLabels } from './names.js';
import { cronJob } from './cron-job.js';

type Json = Record<string, unknown>;

/** The model with each tier's label (names.ts): every object of a tier is named from it, never from the raw name. */
interface Stack {
  model: ExportModel;
  label: (tier: string) => string;
  /** The name of the tier's Service (a tier with a `port`). */
  service: (tier: string) => string;
}

/** The image the wait-for-dependency init containers run (it has kubectl and sh). */
export const KUBECTL_IMAGE = 'docker.io/bitnami/kubectl:1.30';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * A land probe as a Kubernetes probe handler, or undefined for a log probe. The kubelet's tcpSocket and httpGet
 * reach the pod's address from outside the container, where a server listening on loopback only (as land's own
 * probe, on 127.0.0.1 by default, would find it) never answers: a loopback probe runs its check inside the container
 * instead (probes.ts: bash's /dev/tcp, curl or wget), as Compose's healthcheck does. So does an http probe whose URL
 * holds a secret (a password, a `?token=`): httpGet would carry it in the Deployment, and drops a URL's user:password.
 */
export function probeHandler(spec: ProbeSpec, check: readonly Word[] | undefined): Json | undefined {
  if (check === undefined) return undefined;
  const inside = { exec: { command: execArgv(check) } };
  if ('tcp' in spec) return LOOPBACK.has(spec.host ?? '127.0.0.1') ? inside : { tcpSocket: { port: spec.tcp, host: spec.host } };
  if ('http' in spec) {
    const url = new URL(spec.http);
    if (LOOPBACK.has(url.hostname) || hasSecret(check)) return inside;
    const port = url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    return { httpGet: { path: `${url.pathname}${url.search}`, port, scheme: url.protocol === 'https:' ? 'HTTPS' : 'HTTP', host: url.hostname } };
  }
  return inside;
}

/** A value as Kubernetes reads it: a literal `$(` or `$$` with its `$` doubled (it expands `$(VAR)`). */
const kubernetesLiteral = (text: string) => text.replace(/\$(?=[$(])/g, '$$$$');

/**
 * The container's command: a secret argument as `$(KEY)`, which Kubernetes replaces with the variable's value from
 * the tier's Secret; a literal `$(` or `$$` is written with its `$` doubled, as Kubernetes reads them.
 */
function containerCommand(words: readonly Word[]): string[] {
  return words.map((word) => {
    if (!isSecretRef(word)) return kubernetesLiteral(wordText(word));
    // A `$` just before a reference is doubled too: `$$(KEY)` would be a literal `$(KEY)`.
    return word.parts.map((part, i) => (typeof part === 'string' ? part.replace(i + 1 < word.parts.length ? /\$(?=[$(]|$)/g : /\$(?=[$(])/g, '$$$$') : `$(${part.secret})`)).join('');
  });
}

function labels({ model, label }: Stack, tier: ExportTier): Record<string, string> {
  return { 'app.kubernetes.io/part-of': dnsName(model.app), 'app.kubernetes.io/component': label(tier.name) };
}

function selector({ model, label }: Stack, name: string): string {
  return `app.kubernetes.io/part-of=${dnsName(model.app)},app.kubernetes.io/component=${label(name)}`;
}

/**
 * The wait for one dependency's condition, retried until the objects exist and the condition holds. A Job's pod is
 * no longer Ready once it has completed, and land counts a tier that was ever ready: ready, for a Job, is also met
 * by the Job complete.
 */
function waitContainer(stack: Stack, name: string, condition: string): Json {
  const pods = `pod -l ${selector(stack, name)}`;
  const complete = (timeout: number) => `kubectl wait --for=condition=complete job/${dnsName(stack.model.app, stack.label(name))} --timeout=${timeout}s`;
  const job = stack.model.tiers.find((tier) => tier.name === name)?.oneShot === true;
  const ready = `kubectl wait --for=condition=Ready ${pods} --timeout=10s`;
  const wait =
    condition === 'completed'
      ? complete(10)
      : condition === 'ready'
        ? job ? `${ready} || ${complete(1)}` : ready
        : `kubectl get ${pods} -o jsonpath='{.items[*].status.phase}' | grep -qE 'Running|Succeeded'`;
  return { name: dnsName('wait', stack.label(name)), image: KUBECTL_IMAGE, command: ['sh', '-c', `until ${wait}; do sleep 1; done`] };
}

function probes(tier: ExportTier, warn: (text: string) => void): Json {
  const result: Json = {};
  if (tier.ready) {
    const handler = probeHandler(tier.ready, tier.readyCheck);
    if (handler) {
      const timeoutSeconds = checkSeconds(tier.ready);
      result.startupProbe = { ...handler, periodSeconds: 1, timeoutSeconds, failureThreshold: seconds(tier.ready.timeoutMs) };
      result.readinessProbe = { ...handler, periodSeconds: 5, timeoutSeconds, failureThreshold: 3 };
    } else warn(`readiness probe ${describeProbe(tier.ready)} not mapped: Kubernetes has no log-line probe; the pod is ready when its container runs`);
  }
  if (tier.liveness) {
    const handler = probeHandler(tier.liveness, tier.livenessCheck);
    if (handler) {
      result.livenessProbe = {
        ...handler,
        periodSeconds: seconds(tier.liveness.intervalMs),
        timeoutSeconds: Math.max(seconds(tier.liveness.timeoutMs), checkSeconds(tier.liveness)),
        failureThreshold: tier.liveness.failureThreshold,
      };
    } else warn(`liveness probe ${describeProbe(tier.liveness)} not mapped: Kubernetes has no log-line probe`);
  }
  return result;
}

/**
 * A replica's `service.instance.id`: its pod's name, from the downward API, since a Deployment numbers no pod
 * (replica-identity.ts). `env` wins over the ConfigMap's value; `$(LAND_POD_NAME)` is expanded by Kubernetes.
 */
function replicaEnv(tier: ExportTier): Json {
  if (!addsReplicaId(tier) || tier.oneShot || tier.schedule !== undefined) return {};
  const attributes = kubernetesLiteral(replicaAttributes(tier, ''));
  return {
    env: [
      { name: 'LAND_POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'OTEL_RESOURCE_ATTRIBUTES', value: `${attributes}$(LAND_POD_NAME)` },
    ],
  };
}

function container({ model, label }: Stack, tier: ExportTier, image: string, warn: (text: string) => void): Json {
  const envFrom: Json[] = [{ configMapRef: { name: dnsName(model.app, label(tier.name), 'env') } }];
  if (Object.keys(tier.secrets).length > 0) envFrom.push({ secretRef: { name: dnsName(model.app, label(tier.name), 'secrets') } });
  const result: Json = { name: label(tier.name), image, workingDir: containerCwd(tier), command: containerCommand(tier.command), envFrom, ...replicaEnv(tier), ...probes(tier, warn) };
  // `kubectl attach -i` then types into it, as `land attach` does.
  if (tier.stdin) result.stdin = true;
  if (tier.port !== undefined) result.ports = [{ containerPort: tier.port, protocol: 'TCP' }];
  if (tier.limits) {
    result.resources = { limits: { memory: binarySize(tier.limits.memory, ['Ki', 'Mi', 'Gi']) } };
    warn(memoryLimitWarning(tier.limits.memory, 'resources.limits.memory'));
  }
  if (tier.stop.command) result.lifecycle = { preStop: { exec: { command: execArgv(tier.stop.command) } } };
  else if (tier.stop.signal !== 'SIGTERM') {
    const signal = tier.stop.signal.replace(/^SIG/, '');
    result.lifecycle = { preStop: { exec: { command: ['sh', '-c', `kill -${signal} 1; sleep ${seconds(tier.stop.timeoutMs)}`] } } };
    warn(`stop signal ${tier.stop.signal}: sent by a preStop hook to pid 1, then Kubernetes sends SIGTERM`);
  }
  return result;
}

function podSpec(stack: Stack, tier: ExportTier, image: string, warn: (text: string) => void): Json {
  const spec: Json = { terminationGracePeriodSeconds: seconds(tier.stop.timeoutMs) };
  const dependencies = Object.entries(tier.dependsOn);
  if (dependencies.length > 0) {
    spec.serviceAccountName = dnsName(stack.model.app, 'wait-deps');
    spec.initContainers = dependencies.map(([name, condition]) => waitContainer(stack, name, condition));
  }
  spec.containers = [container(stack, tier, image, warn)];
  return spec;
}

function workload(stack: Stack, tier: ExportTier, image: string, warn: (text: string) => void): Json {
  const metadata = { name: dnsName(stack.model.app, stack.label(tier.name)), labels: labels(stack, tier) };
  const template = { metadata: { labels: labels(stack, tier) }, spec: podSpec(stack, tier, image, warn) };
  const { restart } = tier;
  if (tier.schedule !== undefined) return cronJob(tier.schedule, metadata, template, warn);
  if (tier.oneShot) {
    (template.spec as Json).restartPolicy = restart.policy === 'never' ? 'Never' : 'OnFailure';
    if (tier.replicas !== undefined) warn(`replicas ${tier.replicas} not mapped: a Job (a dependent waits for it to complete) runs one pod at a time`);
    return { apiVersion: 'batch/v1', kind: 'Job', metadata, spec: { backoffLimit: restart.policy === 'never' ? 0 : restart.maxRestarts, template } };
  }
  if (restart.policy !== 'always') warn(`restart policy ${restart.policy}: a Deployment restarts its container after any exit`);
  const replicas = containerReplicasWarning(tier, 'the Deployment\'s replicas', 'Kubernetes', "its pod's name (the downward API's metadata.name)");
  if (replicas) warn(replicas);
  warn(`restart budget (${restart.maxRestarts}) and backoff ${restart.backoff.initialMs}→${restart.backoff.maxMs} ms not mapped: kubelet's CrashLoopBackOff applies`);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: { replicas: tier.replicas ?? 1, strategy: { type: 'Recreate' }, selector: { matchLabels: labels(stack, tier) }, template },
  };
}

/**
 * A ClusterIP Service in front of a tier with a `port`, named as the tier (its label; names.ts `serviceNames` for
 * one that does not start with a letter), so that another tier reaches it at `http://<tier>:<port>` as on Compose's
 * network; tiers run in pods of their own, where a port is reached through a Service or not at all.
 */
function service(stack: Stack, tier: ExportTier, port: number): Json {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: stack.service(tier.name), labels: labels(stack, tier) },
    spec: { type: 'ClusterIP', selector: labels(stack, tier), ports: [{ port, targetPort: port, protocol: 'TCP' }] },
  };
}

/** Read access to pods and jobs for the init containers' `kubectl wait`. */
function waitAccess(model: ExportModel): Json[] {
  const name = dnsName(model.app, 'wait-deps');
  const meta = { name, labels: { 'app.kubernetes.io/part-of': dnsName(model.app) } };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta, rules: [{ apiGroups: ['', 'batch'], resources: ['pods', 'jobs'], verbs: ['get', 'list', 'watch'] }] },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name }],
    },
  ];
}

/** Each tier's label and Service name, and the warnings naming tiers that Kubernetes would have merged or renamed. */
function stackOf(model: ExportModel, warnings: ExportWarning[]): Stack {
  const named = tierLabels(model.tiers.map((tier) => tier.name));
  warnings.push(...named.warnings);
  const label = (tier: string) => named.labels.get(tier) ?? dnsName(tier);
  const served = model.tiers.flatMap((tier) => (tier.port === undefined ? [] : [{ name: tier.name, label: label(tier.name), port: tier.port }]));
  const services = serviceNames(served, model.configFile);
  warnings.push(...services.warnings);
  return { model, label, service: (tier) => services.names.get(tier) ?? label(tier) };
}

/** The objects of the export: secrets apart from the rest. */
function kubernetesObjects(model: ExportModel, image: string, warnings: ExportWarning[]): { objects: Json[]; secrets: Json[]; tierOf: Map<Json, string> } {
  const objects: Json[] = [];
  const secrets: Json[] = [];
  // Which tier a workload runs: its warnings go above it.
  const tierOf = new Map<Json, string>();
  const stack = stackOf(model, warnings);
  if (model.tiers.some((tier) => Object.keys(tier.dependsOn).length > 0)) objects.push(...waitAccess(model));
  for (const tier of model.tiers) {
    const warn = (text: string) => warnings.push({ tier: tier.name, text });
    const ending = exitWithWarning('kubernetes', model, tier);
    if (ending) warn(ending);
    for (const text of daemonStopWarnings('kubernetes', tier)) warn(text);
    const meta = (suffix: string) => ({ name: dnsName(model.app, stack.label(tier.name), suffix), labels: labels(stack, tier) });
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('env'), data: { ...tier.env } });
    if (Object.keys(tier.secrets).length > 0) secrets.push({ apiVersion: 'v1', kind: 'Secret', metadata: meta('secrets'), type: 'Opaque', stringData: { ...tier.secrets } });
    const object = workload(stack, tier, image, warn);
    tierOf.set(object, tier.name);
    objects.push(object);
    if (tier.port !== undefined) objects.push(service(stack, tier, tier.port));
  }
  return { objects, secrets, tierOf };
}

/** A multi-document YAML stream, each document with its comments. */
function stream(documents: Array<{ object: Json; comments: string[] }>): string {
  return documents
    .map(({ object, comments }) => {
      const document = new Document(object, YAML_OPTIONS);
      if (comments.length > 0) document.commentBefore = comments.map((line) => ` ${line}`).join('\n');
      return document.toString({ lineWidth: 0 });
    })
    .join('---\n');
}

export function exportKubernetes(model: ExportModel, options: { image?: string } = {}): EngineExport {
  const image = options.image ?? defaultImage(model);
  const warnings: ExportWarning[] = [...model.warnings];
  const { objects, secrets, tierOf } = kubernetesObjects(model, image, warnings);
  const grouped = groupWarnings(warnings);
  const commentsFor = (object: Json): string[] => {
    const name = tierOf.get(object);
    return name === undefined ? [] : warnings.filter((w) => w.tier === name).map((w) => `warning: ${w.text}`);
  };
  const header = [...headerLines(model, 'kubernetes'), ...grouped.filter((w) => w.tier === undefined).map((w) => `warning: ${w.text}`)];
  const main = stream(objects.map((object, index) => ({ object, comments: [...(index === 0 ? header : []), ...commentsFor(object)] })));
  const files: ExportFile[] = [{ name: `${dnsName(model.app)}.yaml`, content: main }];
  if (secrets.length > 0) {
    files.push({ name: `${dnsName(model.app)}-secrets.yaml`, content: stream(secrets.map((object, index) => ({ object, comments: index === 0 ? headerLines(model, 'kubernetes') : [] }))), secret: true });
  }
  return {
    engine: 'kubernetes',
    files,
    warnings: grouped,
    next: [
      ...(secrets.length > 0 ? [`kubectl apply -f ${dnsName(model.app)}-secrets.yaml`] : []),
      `kubectl apply -f ${dnsName(model.app)}.yaml   # the image ${image} must hold the project at /app`,
    ],
  };
}
