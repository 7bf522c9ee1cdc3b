/**
 * `land export supervisord`: one `[program:<tier>]` per tier in `<app>.conf`, for supervisord 4's conf.d (Debian's
 * supervisord.conf includes /etc/supervisor/conf.d/*.conf). Values are written as supervisord reads them back
 * (supervisord-syntax.ts).
 *
 * - Each program is a group of its own, `priority` from the dependency depth (100, 110, …): supervisord starts
 *   programs in priority order and stops them in reverse, one group after the other, as land does. It never waits
 *   for a program to be up before the next: `dependsOn` and the probes are warnings and comments.
 * - `autorestart` from the policy (`unexpected` with `exitcodes=0` for on-failure), `startretries` = maxRestarts
 *   within `startsecs=1` (0 for a one-shot, whose quick exit 0 is its success); `stopsignal`, `stopwaitsecs`, and
 *   `stopasgroup`/`killasgroup` (the whole process group, as land stops a tree).
 * - `replicas`: `numprocs` from 1 (`process_name=%(program_name)s.%(process_num)d`: `api.1`, `api.2`, as land
 *   names them), `LAND_REPLICA` and `service.instance.id=<tier>.<n>` from the process number, and a tier's `port`
 *   shifted per replica by sh.
 * - A scheduled tier: `autostart=false`, with the crontab line that starts it at its times (supervisord has no
 *   scheduler), as the Compose export does.
 * - Secrets (and values `environment=` cannot hold) go to `<tier>.secrets.env` beside the file, mode 0600, sourced by
 *   `/bin/sh -c 'set -a; . "$0"; set +a; exec …'` from `%(here)s` (the folder of the file that names the program):
 *   the program section names only the variables.
 */
import { describeProbe, seconds } from './probes.js';
import { daemonStopWarnings } from './daemon-stop.js';
import { exitWithWarning } from './exit-with.js';
import { crontabAdvice } from './schedule.js';
import { caseSafeStems } from './names.js';
import { shellWords, type Word } from './secret-words.js';
import { addsReplicaId, replicaAttributes } from './replica-identity.js';
import { commandWord, environmentPair, expandedWord, fitsCommand, pathValue, SHELL_NAME, shellAssignment } from './supervisord-syntax.js';
import { groupWarnings, headerLines, resolveExecutable, warningComments, type EngineExport, type ExportFile, type ExportModel, type ExportTier, type ExportWarning } from './model.js';

/** Where supervisord's Debian package reads program files from. */
const CONF_DIR = '/etc/supervisor/conf.d';

/** The tier's dependency depth: 0 without dependencies, else one more than its deepest dependency's. */
function depthOf(model: ExportModel, name: string, seen = new Map<string, number>()): number {
  const known = seen.get(name);
  if (known !== undefined) return known;
  const tier = model.tiers.find((other) => other.name === name);
  const depth = tier ? Math.max(-1, ...Object.keys(tier.dependsOn).map((dependency) => depthOf(model, dependency, seen))) + 1 : 0;
  seen.set(name, depth);
  return depth;
}

function autorestart(tier: ExportTier, warn: (text: string) => void): string[] {
  const { policy } = tier.restart;
  if (policy === 'never') return ['autorestart=false'];
  if (policy === 'always' && !tier.oneShot) return ['autorestart=true'];
  if (policy === 'always') warn('restart policy always on a one-shot tier: mapped to autorestart=unexpected (restarted after a failure only), or supervisord would run it again after it completed');
  return ['autorestart=unexpected', 'exitcodes=0'];
}

/** What the program section cannot say, as warnings (printed, and comments above the section). */
function unmapped(model: ExportModel, tier: ExportTier, warn: (text: string) => void): void {
  // As systemd's export: the host may not be this one, so this is a warning, not a refusal.
  const file = tier.command[0] as string;
  if (resolveExecutable(file, tier.cwd, process.env.PATH) === undefined) {
    warn(`command "${file}" was not found on this machine's PATH: command= names it as is (supervisord looks it up on its own PATH at each start)`);
  }
  const ending = exitWithWarning('supervisord', model, tier);
  if (ending) warn(ending);
  for (const text of daemonStopWarnings('supervisord', tier)) warn(text);
  const waits = Object.entries(tier.dependsOn).map(([name, condition]) => `${name} to be ${condition}`);
  if (waits.length > 0) warn(`waits for ${waits.join(', ')}: not mapped: supervisord starts programs in priority order (those first) but does not wait for one before the next`);
  if (tier.ready) warn(`readiness probe (${describeProbe(tier.ready)}) not mapped: supervisord has no probes (a program is RUNNING once it has stayed up startsecs)`);
  if (tier.liveness) warn(`liveness probe (${describeProbe(tier.liveness)}) not mapped: supervisord has no probes`);
  const { restart } = tier;
  if (restart.policy !== 'never' && !tier.oneShot) {
    warn(`backoff ${restart.backoff.initialMs}→${restart.backoff.maxMs} ms and restart budget ${restart.maxRestarts} approximated: supervisord retries a start that fails within startsecs (1 s) up to startretries (${restart.maxRestarts}) times, waiting 1, 2, 3… s, and restarts a program that ran longer at once, every time`);
  }
  if (tier.limits) warn('memory limit not mapped: supervisord has no memory limit');
  // supervisord keeps every program's stdin a pipe of its own: this is a note, nothing is lost.
  if (tier.stdin) warn(`stdin: true: supervisord gives every program a stdin; type into it with \`supervisorctl fg ${tier.name}\` (Ctrl-C leaves it), as land attach does`);
}

/**
 * supervisord has no scheduler: a scheduled tier's program is not started with the others (`autostart=false`) nor
 * restarted; the warning gives the crontab line that starts it at its times (`supervisorctl start` of a program that
 * still runs is refused: the time is skipped, as land skips it).
 */
function scheduledProgram(tier: ExportTier, warn: (text: string) => void): void {
  const advice = crontabAdvice(tier.schedule!, `supervisorctl start ${tier.name}`);
  warn(`schedule ${JSON.stringify(tier.schedule)} not mapped: supervisord has no scheduler; the program is written autostart=false: ${advice}`);
}

/** The tier's values for its sourced file: secrets, and what `environment=` or `command=` cannot hold. */
interface Rendered {
  environment: string[];
  sourced: Record<string, string>;
  command: Word[];
}

function replicaIdPair(tier: ExportTier): string | undefined {
  const pair = environmentPair('OTEL_RESOURCE_ATTRIBUTES', replicaAttributes(tier, `${tier.name}.`));
  return pair && `${pair.slice(0, -1)}%(process_num)d${pair.slice(-1)}`;
}

function render(tier: ExportTier, warn: (text: string) => void): Rendered {
  const sourced: Record<string, string> = { ...tier.secrets };
  const environment: string[] = [];
  for (const [key, value] of Object.entries(tier.env)) {
    // A replica's service.instance.id, `<tier>.<n>` as land names it: supervisord's own number, `%` kept unescaped.
    const pair = key === 'OTEL_RESOURCE_ATTRIBUTES' && addsReplicaId(tier) ? replicaIdPair(tier) : environmentPair(key, value);
    if (pair !== undefined) environment.push(pair);
    else if (SHELL_NAME.test(key)) sourced[key] = value;
    else warn(`environment variable ${JSON.stringify(key)} not exported: supervisord's environment= cannot hold its name, nor can sh export it`);
  }
  // Each replica's number is supervisord's own; its PORT is shifted by the command (a value has no arithmetic).
  if (tier.replicas !== undefined) environment.push('LAND_REPLICA="%(process_num)d"');
  let lines = 0;
  const command = tier.command.map((word) => {
    if (typeof word !== 'string' || fitsCommand(word)) return word;
    const key = `LAND_COMMAND_LINE_${(lines += 1)}`;
    sourced[key] = word;
    return { parts: [{ secret: key }], shown: word };
  });
  return { environment, sourced, command };
}

/** `command=`: the tier's own argv, or through sh when it reads the env file or shifts PORT. */
function commandLine(tier: ExportTier, rendered: Rendered, secretsName: string | undefined): string {
  const words = rendered.command;
  const shiftPort = tier.replicas !== undefined && tier.port !== undefined;
  if (secretsName === undefined && !shiftPort && words.every((word) => typeof word === 'string')) return words.map((word) => commandWord(word as string)).join(' ');
  const script = [
    ...(secretsName !== undefined ? ['set -a', '. "$0"', 'set +a'] : []),
    ...(shiftPort ? [`export PORT=$((${tier.port! - 1} + LAND_REPLICA))`] : []),
    `exec ${shellWords(words)}`,
  ].join('; ');
  const argv = ['/bin/sh', '-c', script].map(commandWord);
  return [...argv, ...(secretsName !== undefined ? [expandedWord(`%(here)s/${secretsName}`)] : [])].join(' ');
}

function program(model: ExportModel, tier: ExportTier, warnings: ExportWarning[], secretsStem: string): { section: string; secrets?: ExportFile } {
  const warn = (text: string) => warnings.push({ tier: tier.name, text });
  const scheduled = tier.schedule !== undefined;
  if (scheduled) scheduledProgram(tier, warn);
  unmapped(model, tier, warn);
  const rendered = render(tier, warn);
  const restart = autorestart(tier, warn);
  const sourcedKeys = Object.keys(rendered.sourced);
  const secretsName = sourcedKeys.length > 0 ? `${secretsStem}.secrets.env` : undefined;
  const lines = [
    ...warningComments(warnings, tier.name),
    ...(secretsName ? [`# ${sourcedKeys.join(', ')}: in ${secretsName} (mode 0600, beside this file), read by sh at each start`] : []),
    `[program:${tier.name}]`,
    `command=${commandLine(tier, rendered, secretsName)}`,
    `directory=${pathValue(tier.cwd)}`,
    ...(rendered.environment.length > 0 ? [`environment=${rendered.environment.join(',')}`] : []),
    `priority=${100 + 10 * depthOf(model, tier.name)}`,
    `autostart=${!scheduled}`,
    ...restart,
    // A run that ends at once is a run, not a failed start.
    `startsecs=${tier.oneShot || scheduled ? 0 : 1}`,
    `startretries=${tier.restart.policy === 'never' ? 0 : tier.restart.maxRestarts}`,
    `stopsignal=${tier.stop.signal.replace(/^SIG/, '')}`,
    `stopwaitsecs=${seconds(tier.stop.timeoutMs)}`,
    'stopasgroup=true',
    'killasgroup=true',
    ...(tier.replicas !== undefined ? [`numprocs=${tier.replicas}`, 'numprocs_start=1', 'process_name=%(program_name)s.%(process_num)d'] : []),
    '',
  ];
  if (!secretsName) return { section: lines.join('\n') };
  const content = [`# ${model.app} ${tier.name}: secrets and values supervisord cannot hold (mode 0600), sourced by sh`, ...Object.entries(rendered.sourced).map(([key, value]) => shellAssignment(key, value)), ''].join('\n');
  return { section: lines.join('\n'), secrets: { name: secretsName, content, secret: true } };
}

export function exportSupervisord(model: ExportModel): EngineExport {
  const named = caseSafeStems(model.tiers.map((tier) => tier.name), (stem) => `${stem}.secrets.env`);
  const warnings: ExportWarning[] = [...model.warnings, ...named.warnings];
  const sections: string[] = [];
  const files: ExportFile[] = [];
  for (const tier of model.tiers) {
    const { section, secrets } = program(model, tier, warnings, named.stems.get(tier.name) ?? tier.name);
    sections.push(section);
    if (secrets) files.push(secrets);
  }
  const confName = `${model.app}.conf`;
  const header = [...headerLines(model, 'supervisord'), ...groupWarnings(warnings.filter((warning) => warning.tier === undefined)).map((warning) => `warning: ${warning.text}`)];
  files.unshift({ name: confName, content: [...header.map((line) => `# ${line}`), '', ...sections].join('\n') });
  const secretFiles = files.filter((file) => file.secret).map((file) => file.name);
  return {
    engine: 'supervisord',
    files,
    warnings: groupWarnings(warnings),
    next: [
      `install -m 0644 ${confName} ${CONF_DIR}/`,
      ...(secretFiles.length > 0 ? [`install -m 0600 ${secretFiles.join(' ')} ${CONF_DIR}/`] : []),
      'supervisorctl reread && supervisorctl update',
    ],
  };
}
