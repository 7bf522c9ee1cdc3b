/**
 * `land export systemd`: one service unit per tier and a target for the stack.
 *
 * - Dependencies: `Requires=` + `After=` on the dependency's unit. A readiness probe runs as `ExecStartPost=` (retried
 *   until it passes, bounded by `TimeoutStartSec=`), so systemd's start job ends when the tier is ready and `After=`
 *   waits for it; a one-shot tier (one a dependent waits for to be `completed`) is `Type=oneshot` +
 *   `RemainAfterExit=yes`, so `After=` waits for it to complete; every other tier is `Type=exec`.
 * - A one-shot's readiness and liveness probes are not mapped (warnings): systemd runs `ExecStartPost=` only after a
 *   oneshot's process has exited, and `RemainAfterExit=` keeps the unit active, so a liveness timer would restart a
 *   tier that completed. A dependent waiting for it to be started or ready waits for it to complete (a warning).
 *   A log-line probe reads the unit's own journal (`_SYSTEMD_INVOCATION_ID`).
 * - Restarts: `Restart=`, `RestartSec=` (the first delay), `StartLimitBurst=`/`StartLimitIntervalSec=` (the budget).
 * - Stop: `KillSignal=`, `TimeoutStopSec=`, `KillMode=control-group` (then SIGKILL to the whole cgroup, as land does);
 *   a stop command as `ExecStop=` (a warning: systemd sends KillSignal= to what is left after it).
 * - `daemon: true`: `Type=forking` (the start ends when the launcher exits; the unit lives while its cgroup does);
 *   `daemon: { pidFile }` adds `PIDFile=`.
 * - `limits.memory`: `MemoryMax=` (a warning: the kernel kills the unit at it, where land stops the tier gracefully).
 * - Environment: plain values as `Environment=`, secrets in a separate `EnvironmentFile=` of mode 0600.
 * - A liveness probe: a timer bound to the tier's unit runs it every interval (`<unit>-liveness.timer` and its
 *   oneshot service); after `failureThreshold` failures in a row it restarts the tier (systemd's own WatchdogSec=
 *   would need the tier to call sd_notify).
 * - `replicas`: a template unit and its instances (systemd-replicas.ts).
 * - Not expressible: a log-line liveness probe, a doubling backoff (RestartSteps= arrived in systemd 254):
 *   warnings, and a comment in the unit.
 */
import { daemonStopWarnings } from './daemon-stop.js';
import { exitWithWarning } from './exit-with.js';
import { systemdEnvLine } from './env-file-syntax.js';
import { caseSafeStems } from './names.js';
import { grepPattern } from './grep-pattern.js';
import { timerFor } from './systemd-timer.js';
import { describeProbe, seconds, untilPasses } from './probes.js';
import { hasSecret, shellWords, type Word } from './secret-words.js';
import { environmentLine, execLine } from './systemd-syntax.js';
import { instanceUnits, perReplica, portShift, replicaCheck, replicaEnvironment, replicaIdentity, unitFileName, withReplicaPort } from './systemd-replicas.js';
import {
  binarySize,
  memoryLimitWarning,
  backoffBudgetMs,
  groupWarnings,
  headerLines,
  resolveExecutable,
  warningComments,
  type EngineExport,
  type ExportFile,
  type ExportModel,
  type ExportTier,
  type ExportWarning,
} from './model.js';

/** Where the units expect their secret files (EnvironmentFile= needs an absolute path). */
export function secretsDir(app: string): string {
  return `/etc/land/${app}`;
}

/** A tier's unit: `<app>-<tier>.service`, with the tier's file stem (names.ts `caseSafeStems`). */
function unitName(model: SystemdModel, tier: string): string {
  return `${unitStem(model, tier)}.service`;
}

/** The units a tier runs as: its one unit, or each replica's instance of its template (systemd-replicas.ts). */
function unitsOf(model: SystemdModel, name: string): string[] {
  return instanceUnits(unitStem(model, name), model.tiers.find((tier) => tier.name === name)!);
}

/** `<app>-<tier>`, the tier as its file stem: its name unless another tier's differs from it only in case. */
function unitStem(model: SystemdModel, tier: string): string {
  return `${model.app}-${model.stems.get(tier) ?? tier}`;
}

/** The tier's secrets file, as its units read it. */
function environmentFile(model: SystemdModel, tier: ExportTier): string {
  return `EnvironmentFile=${secretsDir(model.app)}/${unitStem(model, tier.name)}.secrets.env`;
}

/** The model with each tier's file stem. */
type SystemdModel = ExportModel & { stems: ReadonlyMap<string, string> };

/**
 * The readiness wait: the probe retried until it passes. A log line's pattern as grep -E reads it (grep-pattern.ts);
 * one that grep cannot express is not mapped (a warning), rather than waited for until TimeoutStartSec= fails it.
 */
function readinessCommand(tier: ExportTier, warn: (text: string) => void): string[] | undefined {
  if (!tier.ready) return undefined;
  if ('log' in tier.ready) {
    const pattern = grepPattern(tier.ready.log);
    if ('problem' in pattern) {
      warn(`readiness probe (${describeProbe(tier.ready)}) not mapped: ${pattern.problem}; the unit is ready once started`);
      return undefined;
    }
    // Only this start's lines: the journal of this invocation of the unit.
    // C.UTF-8: `.` and `-i` take a character (the journal is UTF-8), whatever locale the unit inherits.
    const grep = `LC_ALL=C.UTF-8 grep -q${pattern.ignoreCase ? 'i' : ''}E -e "$0"`;
    const check = `journalctl --quiet --no-pager -o cat _SYSTEMD_INVOCATION_ID="$INVOCATION_ID" | ${grep}`;
    return ['/bin/sh', '-c', `until ${check}; do sleep 0.5; done`, pattern.ere];
  }
  return ['/bin/sh', '-c', `${portShift(tier)}${untilPasses(replicaCheck(tier, 'ready')!)}`];
}

function restartPolicy(tier: ExportTier, warn: (text: string) => void): string {
  const { policy } = tier.restart;
  if (policy === 'never') return 'no';
  if (tier.oneShot && policy === 'always') {
    warn('restart policy always on a one-shot tier: Type=oneshot allows Restart=on-failure at most');
    return 'on-failure';
  }
  return policy;
}

function serviceLines(model: SystemdModel, tier: ExportTier, warn: (text: string) => void): string[] {
  const [file, ...args] = tier.command as [string, ...Word[]];
  const executable = resolveExecutable(file, tier.cwd, process.env.PATH);
  if (executable === undefined) warn(`command "${file}" was not found on this machine's PATH: ExecStart= names it as is`);
  const lines = [
    '[Service]',
    ...(tier.daemon ? ['# daemon: the start is done once the launcher has exited 0; the unit runs while its processes do'] : []),
    tier.oneShot || tier.schedule !== undefined ? 'Type=oneshot' : tier.daemon ? 'Type=forking' : 'Type=exec',
    // systemd's own way to name a daemon, as land's: a path as is (PIDFile= takes no quotes), specifiers escaped.
    ...(tier.daemon?.pidFile && !tier.oneShot ? [`PIDFile=${tier.daemon.pidFile.replace(/%/g, '%%')}`] : []),
    // A scheduled tier's unit must become inactive after each run, for its timer to start it again.
    ...(tier.oneShot && tier.schedule === undefined ? ['RemainAfterExit=yes'] : []),
    // A path as is (WorkingDirectory= takes no quotes), specifiers escaped.
    `WorkingDirectory=${tier.cwd.replace(/%/g, '%%')}`,
    `ExecStart=${execLine(withReplicaPort(tier, [executable ?? file, ...args]))}`,
  ];
  // A oneshot's ExecStartPost= runs after its process exits, and TimeoutStartSec= would bound the whole run.
  const ready = tier.oneShot || tier.schedule !== undefined ? undefined : readinessCommand(tier, warn);
  if (ready && tier.ready) {
    lines.push(`# readiness: ${describeProbe(tier.ready)}, within ${tier.ready.timeoutMs} ms`);
    lines.push(`ExecStartPost=${execLine(ready)}`, `TimeoutStartSec=${seconds(tier.ready.timeoutMs)}`);
  }
  for (const [key, value] of Object.entries(tier.env)) {
    if (!perReplica(tier, key)) lines.push(environmentLine(key, value));
  }
  lines.push(...replicaEnvironment(tier), ...replicaIdentity(tier));
  const secretKeys = Object.keys(tier.secrets);
  if (secretKeys.length > 0) {
    lines.push(`# secrets (${secretKeys.join(', ')}): install the file with mode 0600`);
    lines.push(environmentFile(model, tier));
  }
  if (tier.stop.command) {
    const [stopFile, ...stopArgs] = tier.stop.command as [string, ...Word[]];
    const stopExecutable = resolveExecutable(stopFile, tier.cwd, process.env.PATH);
    if (stopExecutable === undefined) warn(`stop command "${stopFile}" was not found on this machine's PATH: ExecStop= names it as is`);
    lines.push(`ExecStop=${execLine(withReplicaPort(tier, [stopExecutable ?? stopFile, ...stopArgs]))}`);
  }
  lines.push(
    `Restart=${restartPolicy(tier, warn)}`,
    `RestartSec=${tier.restart.backoff.initialMs}ms`,
    `KillSignal=${tier.stop.signal}`,
    `TimeoutStopSec=${tier.stop.timeoutMs}ms`,
    'KillMode=control-group',
  );
  if (tier.limits) {
    lines.push(`MemoryMax=${binarySize(tier.limits.memory, ['K', 'M', 'G'])}`);
    warn(memoryLimitWarning(tier.limits.memory, 'MemoryMax='));
  }
  return lines;
}

/** What Type=oneshot changes: probes it cannot run, and dependents that wait for its end whatever they asked for. */
function oneShotWarnings(model: ExportModel, tier: ExportTier, warn: (text: string) => void): void {
  if (tier.oneShot && tier.ready) warn(`readiness probe (${describeProbe(tier.ready)}) not mapped on a Type=oneshot unit (a dependent waits for it to complete): systemd runs ExecStartPost= after its process exits`);
  if (tier.oneShot && tier.liveness) warn(`liveness probe (${describeProbe(tier.liveness)}) not mapped on a Type=oneshot unit: RemainAfterExit= keeps it active once it completed, and a timer would restart it`);
  for (const [name, condition] of Object.entries(tier.dependsOn)) {
    if (condition === 'completed' || !model.tiers.find((other) => other.name === name)?.oneShot) continue;
    warn(`waits for ${name} to be ${condition}, but ${name} is a Type=oneshot unit (a tier waits for it to complete): After= waits for it to complete`);
  }
}

function unitFile(model: SystemdModel, tier: ExportTier, warnings: ExportWarning[]): string {
  const warn = (text: string) => warnings.push({ tier: tier.name, text });
  const ending = exitWithWarning('systemd', model, tier);
  if (ending) warn(ending);
  for (const text of daemonStopWarnings('systemd', tier)) warn(text);
  const { restart } = tier;
  if (restart.policy !== 'never' && restart.backoff.maxMs > restart.backoff.initialMs) {
    warn(`backoff doubling from ${restart.backoff.initialMs} ms to ${restart.backoff.maxMs} ms: systemd 252 waits RestartSec= every time (RestartSteps= needs systemd 254)`);
  }
  oneShotWarnings(model, tier, warn);
  if (tier.stdin) warn('stdin: true not mapped: a unit\'s stdin is /dev/null (StandardInput=null), so nothing can type into it; land attach and land send have no counterpart here');
  if (tier.liveness && !tier.oneShot && tier.livenessCheck === undefined) {
    warn(`liveness probe (${describeProbe(tier.liveness)}) not mapped: a log line cannot be checked from a timer`);
  }
  const dependencies = Object.keys(tier.dependsOn).flatMap((name) => unitsOf(model, name));
  const liveness = livenessName(model, tier);
  const unit = [
    '[Unit]',
    `Description=${model.app} ${tier.name}${tier.description ? `: ${tier.description}` : ''}`.replace(/%/g, '%%') + (tier.replicas === undefined ? '' : ' (replica %i)'),
    `PartOf=${model.app}.target`,
    ...Object.entries(tier.dependsOn).map(([name, condition]) => `# waits for ${name} to be ${condition}`),
    ...(dependencies.length > 0 ? [`Requires=${dependencies.join(' ')}`, `After=${dependencies.join(' ')}`] : []),
    ...(liveness ? [`Wants=${liveness}${tier.replicas === undefined ? '' : '@%i'}.timer`] : []),
    // The restart budget: maxRestarts restarts (so one more start) within the backoff delays plus resetAfterMs.
    `StartLimitBurst=${restart.maxRestarts + 1}`,
    `StartLimitIntervalSec=${seconds(backoffBudgetMs(restart) + restart.resetAfterMs)}`,
    '',
  ];
  const service = serviceLines(model, tier, warn);
  // A scheduled tier's unit is started by its timer (systemd-timer.ts), not by the stack's target.
  const install = tier.schedule === undefined ? ['[Install]', `WantedBy=${model.app}.target`, ''] : [];
  return [...headerLines(model, 'systemd').map((line) => `# ${line}`), ...warningComments(warnings, tier.name), ...unit, ...service, '', ...install].join('\n');
}

/** `<app>-<tier>-liveness` when the tier has a liveness probe a command can check. */
function livenessName(model: SystemdModel, tier: ExportTier): string | undefined {
  return tier.liveness && !tier.oneShot && tier.livenessCheck ? `${unitStem(model, tier.name)}-liveness` : undefined;
}

/**
 * The liveness units' names and what they bind to: a tier with replicas has a template pair, each instance bound to
 * the replica of the same number, its failures counted per replica.
 */
function livenessTarget(model: SystemdModel, tier: ExportTier, name: string): { files: string; unit: string; restarts: string; state: string } {
  if (tier.replicas === undefined) return { files: name, unit: unitName(model, tier.name), restarts: unitName(model, tier.name), state: `/run/${name}.failures` };
  const stem = unitStem(model, tier.name);
  return { files: `${name}@`, unit: `${stem}@%i.service`, restarts: `${stem}@"$LAND_REPLICA".service`, state: `/run/${name}-"$LAND_REPLICA".failures` };
}

/**
 * The liveness check as a timer and a oneshot service, bound to the tier's unit (they run while it runs). The
 * failures in a row are counted in a file under /run; at the threshold the tier is restarted, as land does.
 */
function livenessFiles(model: SystemdModel, tier: ExportTier): ExportFile[] {
  const name = livenessName(model, tier);
  if (!name || !tier.liveness) return [];
  const { files: fileStem, unit, restarts, state } = livenessTarget(model, tier, name);
  const { intervalMs, timeoutMs, failureThreshold } = tier.liveness;
  const check = replicaCheck(tier, 'liveness')!;
  const script = [
    `${portShift(tier)}state=${state}`,
    `if timeout ${seconds(timeoutMs)} ${shellWords(check)} >/dev/null 2>&1; then rm -f "$state"; exit 0; fi`,
    'failures=$(( $(cat "$state" 2>/dev/null || echo 0) + 1 ))',
    `if [ "$failures" -ge ${failureThreshold} ]; then rm -f "$state"; exec systemctl restart ${restarts}; fi`,
    'echo "$failures" > "$state"',
  ].join('; ');
  const header = headerLines(model, 'systemd').map((line) => `# ${line}`);
  const bound = [`BindsTo=${unit}`, `After=${unit}`];
  const description = `Description=${model.app} ${tier.name}: liveness (${describeProbe(tier.liveness)})`.replace(/%/g, '%%');
  return [
    {
      name: `${fileStem}.service`,
      content: [
        ...header,
        '[Unit]',
        description,
        ...bound,
        '',
        '[Service]',
        'Type=oneshot',
        ...replicaEnvironment(tier),
        // The check's secret arguments are in the tier's secrets file.
        ...(hasSecret(check) ? [environmentFile(model, tier)] : []),
        `ExecStart=${execLine(['/bin/sh', '-c', script])}`,
        '',
      ].join('\n'),
    },
    {
      name: `${fileStem}.timer`,
      content: [...header, '[Unit]', description, ...bound, '', '[Timer]', `OnActiveSec=${intervalMs}ms`, `OnUnitActiveSec=${intervalMs}ms`, 'AccuracySec=100ms', '', '[Install]', `WantedBy=${unit}`, ''].join('\n'),
    },
  ];
}

/** `timers`: the scheduled tiers whose timer was written (the target starts the timer, not the unit). */
function targetFile(model: SystemdModel, warnings: readonly ExportWarning[], timers: ReadonlySet<string>): string {
  const wanted = model.tiers.flatMap((tier) => (tier.schedule === undefined ? unitsOf(model, tier.name) : timers.has(tier.name) ? [`${unitStem(model, tier.name)}.timer`] : []));
  return [
    ...headerLines(model, 'systemd').map((line) => `# ${line}`),
    ...warningComments(warnings, undefined),
    '[Unit]',
    `Description=${model.app} stack (profile ${model.profile})`,
    `Wants=${wanted.join(' ')}`,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

export function exportSystemd(exported: ExportModel): EngineExport {
  const named = caseSafeStems(exported.tiers.map((tier) => tier.name), (stem) => `${exported.app}-${stem}.service`);
  const model: SystemdModel = { ...exported, stems: named.stems };
  const warnings: ExportWarning[] = [...model.warnings, ...named.warnings];
  const files: ExportFile[] = [];
  const timers = new Set<string>();
  for (const tier of model.tiers) {
    const header = headerLines(model, 'systemd').map((line) => `# ${line}`);
    const timer = timerFor(tier, { app: model.app, unit: unitName(model, tier.name), stem: unitStem(model, tier.name), header }, (text) => warnings.push({ tier: tier.name, text }));
    if (timer) timers.add(tier.name);
    files.push({ name: unitFileName(unitStem(model, tier.name), tier), content: unitFile(model, tier, warnings) }, ...livenessFiles(model, tier), ...(timer ? [timer] : []));
    const secrets = Object.entries(tier.secrets);
    if (secrets.length > 0) {
      const content = [`# ${model.app} ${tier.name}: secrets (mode 0600)`, ...secrets.map(([key, value]) => systemdEnvLine(key, value)), ''].join('\n');
      files.push({ name: `${unitStem(model, tier.name)}.secrets.env`, content, secret: true });
    }
  }
  files.push({ name: `${model.app}.target`, content: targetFile(model, warnings, timers) });
  const secretFiles = files.filter((file) => file.secret).map((file) => file.name);
  const timerGlob = files.some((file) => file.name.endsWith('.timer')) ? ' *.timer' : '';
  return {
    engine: 'systemd',
    files,
    warnings: groupWarnings(warnings),
    next: [
      `install -m 0644 *.service${timerGlob} ${model.app}.target /etc/systemd/system/`,
      ...(secretFiles.length > 0 ? [`install -d -m 0700 ${secretsDir(model.app)} && install -m 0600 ${secretFiles.join(' ')} ${secretsDir(model.app)}/`] : []),
      `systemctl daemon-reload && systemctl enable --now ${model.app}.target`,
    ],
  };
}
