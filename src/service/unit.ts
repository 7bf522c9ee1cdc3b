/**
 * The systemd unit `land startup` writes (PM2's `pm2 startup`): one service that runs `land up --detached --no-tui`
 * in the project's folder, so the stack comes back after a reboot.
 *
 * - `Type=exec`: land stays in the foreground (its output goes to the journal); `--detached` because a service
 *   manager is the parent that may go away or hang up without it meaning "stop" (README "Detaching").
 * - Stop: `KillMode=mixed` sends SIGTERM to land alone, which stops the stack itself (dependents first, each tier
 *   within its stop.timeoutMs + 1 s); `TimeoutStopSec=` is above that bound, so systemd's SIGKILL to the whole
 *   cgroup only comes for what land could not stop. `KillMode=control-group` would signal every tier at once.
 * - No secrets: land reads its env files (Authorize, tokens) at each start; the unit holds the command line, the
 *   folder and PATH only, and every word is checked by the rules export uses (a secret is refused, not written).
 */
import { holdsSecret, redactArgs, secretArgs } from '../config/redact.js';
import type { BootPlan } from '../config/types.js';
import { STOP_GRACE_MS } from '../supervisor/bounded-stop.js';
import { environmentLine, execLine, unitPath } from '../export/systemd-syntax.js';
import { InputError } from '../errors.js';

/** How long land may take to exit once its stack has stopped (telemetry flushes, each bounded): `land down`'s wait. */
const EXIT_AFTER_STOP_MS = 30_000;

export interface StartupUnit {
  /** `land-<app>.service`. */
  name: string;
  app: string;
  profile: string;
  /** A system unit (/etc/systemd/system, `User=`), else a user unit (~/.config/systemd/user). */
  system: boolean;
  /** `User=` of a system unit. */
  user?: string;
  workingDirectory: string;
  /** node, land's bin, `up --detached --no-tui` and the flags given to `land startup`. */
  execStart: string[];
  /** The PATH the tiers' commands were found on now (a service manager's own PATH is minimal). */
  path: string;
  timeoutStopMs: number;
}

/** The unit's name for a stack. */
export function unitNameOf(app: string): string {
  return `land-${app}.service`;
}

/**
 * The longest time land's own shutdown takes: tiers stop after their dependents, so the longest chain of
 * (stop.timeoutMs + the 1 s grace), then the last sweep's grace and land's own exit.
 */
export function stopBoundMs(plan: BootPlan): number {
  const byName = new Map(plan.config.tiers.map((tier) => [tier.name, tier]));
  const chain = new Map<string, number>();
  const longest = (name: string): number => {
    const known = chain.get(name);
    if (known !== undefined) return known;
    const tier = byName.get(name);
    if (!tier) return 0;
    // A tier stops once every tier that depends on it has stopped.
    const dependents = plan.config.tiers.filter((other) => name in other.dependsOn).map((other) => longest(other.name));
    const total = Math.max(0, ...dependents) + tier.stop.timeoutMs + STOP_GRACE_MS;
    chain.set(name, total);
    return total;
  };
  const slowest = Math.max(0, ...plan.config.tiers.map((tier) => longest(tier.name)));
  return slowest + STOP_GRACE_MS + EXIT_AFTER_STOP_MS;
}

/** A word of the unit that looks like a secret is refused: the unit is readable, the env files are where they go. */
export function refuseSecrets(unit: StartupUnit): void {
  const secret = secretArgs(unit.execStart).findIndex(Boolean);
  if (secret !== -1) {
    const shown = redactArgs(unit.execStart)[secret];
    throw new InputError(`${shown}: looks like a secret, and ${unit.name} would carry it: put it in the profile's env file, which land reads at each start`);
  }
  if (holdsSecret(unit.path)) throw new InputError(`PATH: holds what looks like a secret, and ${unit.name} would carry it: start land startup with a PATH of folders only`);
}

export function unitText(unit: StartupUnit): string {
  const seconds = Math.ceil(unit.timeoutStopMs / 1000);
  return [
    `# Written by \`land startup\`: runs the stack ${unit.app} (profile ${unit.profile}) at boot; \`land startup --remove\` removes it.`,
    '# land reads the env files (secrets included) at each start: none of them is in this file.',
    '[Unit]',
    `Description=land: the ${unit.app} stack (profile ${unit.profile})`.replace(/%/g, '%%'),
    // A user manager cannot order against the system's network target; a system unit waits for the network.
    ...(unit.system ? ['Wants=network-online.target', 'After=network-online.target'] : []),
    '',
    '[Service]',
    'Type=exec',
    ...(unit.user !== undefined ? [`User=${unit.user}`] : []),
    `WorkingDirectory=${unitPath(unit.workingDirectory)}`,
    environmentLine('PATH', unit.path),
    `ExecStart=${execLine(unit.execStart)}`,
    '# SIGTERM to land alone: it stops the stack in reverse dependency order, each tier within its stop bound;',
    `# SIGKILL to what is left only after TimeoutStopSec= (land's longest stop, ${seconds} s).`,
    'KillMode=mixed',
    'KillSignal=SIGTERM',
    `TimeoutStopSec=${seconds}s`,
    'Restart=on-failure',
    'RestartSec=2s',
    '# Bad input (2) and a land already running this stack (4) do not mend by restarting.',
    'RestartPreventExitStatus=2 4',
    '',
    '[Install]',
    `WantedBy=${unit.system ? 'multi-user.target' : 'default.target'}`,
    '',
  ].join('\n');
}
