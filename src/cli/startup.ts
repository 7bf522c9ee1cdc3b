/**
 * `land startup` (PM2's `pm2 startup` + `pm2 save`): a systemd unit that runs this stack's `land up` at boot, then
 * `systemctl daemon-reload` and `enable --now`. `land startup --remove` (`land unstartup`) disables and deletes it.
 * Where systemd is not running the unit is written and the commands to run are printed (exit 0); a systemctl that
 * runs and fails is exit 1, with its line. The unit itself: src/service/unit.ts.
 */
import { accessSync, constants, existsSync, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import path from 'node:path';
import { APP_NAME_RULE, appNameProblem, isAppName } from '../config/app-name.js';
import { displayPath } from '../config/display-path.js';
import type { BootPlan } from '../config/types.js';
import { InputError } from '../errors.js';
import { lingers, systemctl, systemctlLine } from '../service/systemctl.js';
import { refuseSecrets, stopBoundMs, unitNameOf, unitText, type StartupUnit } from '../service/unit.js';
import { preflight } from '../supervisor/preflight.js';
import { readConfig, readPlan, type InputOptions } from './inputs.js';
import { restrictPlan } from './only.js';

export interface StartupOptions extends InputOptions {
  app?: string;
  system?: boolean;
  /** false with `--no-enable`: write the unit and print what to run. */
  enable?: boolean;
  remove?: boolean;
  receiverPort?: number;
  dashboardPort?: number;
  /** false with `--no-dashboard`. */
  dashboard?: boolean;
}

const SYSTEM_DIR = '/etc/systemd/system';

/** Where the unit goes: the user's unit folder, or the system's when land may write it (else the project's .land/startup). */
function unitDir(options: StartupOptions, rootDir: string): { dir: string; installed: boolean } {
  if (!options.system) {
    const configHome = process.env.XDG_CONFIG_HOME;
    const base = configHome && path.isAbsolute(configHome) ? configHome : path.join(process.env.HOME || homedir(), '.config');
    return { dir: path.join(base, 'systemd', 'user'), installed: true };
  }
  try {
    accessSync(SYSTEM_DIR, constants.W_OK);
    return { dir: SYSTEM_DIR, installed: true };
  } catch {
    return { dir: path.join(rootDir, '.land', 'startup'), installed: false };
  }
}

/** This process's user name (a uid with no passwd entry, as in some containers, by its number). */
function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER || String(process.getuid?.() ?? '');
  }
}

/** The user a system unit runs as: the one who asked (through sudo, the one sudo was run by). */
function serviceUser(): string {
  const name = currentUser();
  return name === 'root' && process.env.SUDO_USER ? process.env.SUDO_USER : name;
}

/** land's own command, as this process was started (an npx link resolved to the package's bin). */
function landBin(): string {
  const bin = process.argv[1];
  if (!bin || !existsSync(bin)) throw new Error(`land startup: cannot find land's own command (${bin ?? 'no argv[1]'})`);
  return realpathSync(bin);
}

/** `land up`'s flags for what `land startup` was given (paths made absolute: the unit runs in the project's folder). */
function upArgs(tiers: readonly string[], options: StartupOptions): string[] {
  const args = ['up', '--detached', '--no-tui'];
  if (options.config !== undefined) args.push('--config', path.resolve(options.config));
  if (options.procfile !== undefined) args.push('--procfile', path.resolve(options.procfile));
  if (options.profile !== undefined) args.push('--profile', options.profile);
  if (options.formation !== undefined) args.push('--formation', options.formation);
  if (options.receiverPort !== undefined) args.push('--receiver-port', String(options.receiverPort));
  if (options.dashboardPort !== undefined) args.push('--dashboard-port', String(options.dashboardPort));
  if (options.dashboard === false) args.push('--no-dashboard');
  return [...args, ...tiers];
}

function checkedApp(name: string): string {
  if (!isAppName(name)) throw new InputError(`--app: expected an application name of ${APP_NAME_RULE}, got ${JSON.stringify(name)}`);
  return name;
}

/** The stack's name for the unit: `--app`, else the config's app, checked as land export checks it. */
function appOf(config: BootPlan['config'], options: StartupOptions): string {
  if (options.app !== undefined) return checkedApp(options.app);
  const problem = appNameProblem(config);
  if (problem) throw new InputError(`${displayPath(config.configFile)}: ${problem.replace('land export', 'land startup')}`);
  return config.app;
}

/** The plan `land up` will boot, checked now: a unit that fails at every boot is worse than an error here. */
async function checkedPlan(tiers: string[], options: StartupOptions): Promise<BootPlan> {
  if (tiers.length === 0) return readPlan(options);
  const plan = restrictPlan(await readPlan(options, []), tiers, true);
  preflight(plan);
  return plan;
}

function say(lines: string[]): void {
  process.stdout.write(lines.map((line) => `${line}\n`).join(''));
}

/** What a person runs to finish (or undo) by hand: the commands, `sudo` first where the file is the system's. */
function manual(lines: string[], sudo: boolean): string[] {
  return lines.map((line) => `  ${sudo ? 'sudo ' : ''}${line}`);
}

function lingerAdvice(user: string): string[] {
  if (lingers(user)) return [];
  return [`land: lingering is off for ${user}: the stack starts at ${user}'s first login and stops at the last logout; to start it at boot without a login: loginctl enable-linger ${user}`];
}

async function install(tiers: string[], options: StartupOptions): Promise<number> {
  const plan = await checkedPlan(tiers, options);
  const app = appOf(plan.config, options);
  const system = options.system === true;
  const unit: StartupUnit = {
    name: unitNameOf(app),
    app,
    profile: plan.profile,
    system,
    ...(system ? { user: serviceUser() } : {}),
    workingDirectory: plan.config.rootDir,
    execStart: [process.execPath, landBin(), ...upArgs(tiers, options)],
    path: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    timeoutStopMs: stopBoundMs(plan),
  };
  refuseSecrets(unit);
  const { dir, installed } = unitDir(options, plan.config.rootDir);
  const file = path.join(dir, unit.name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, unitText(unit), { mode: 0o644 });
  say([`land: wrote ${file}: \`land ${upArgs(tiers, options).join(' ')}\` in ${plan.config.rootDir}, at boot`]);
  const steps = [['daemon-reload'], ['enable', '--now', unit.name]];
  const linger = system ? [] : lingerAdvice(currentUser());
  if (!installed) {
    say([`land: ${SYSTEM_DIR} is not writable by ${currentUser()}: install it as root:`, ...manual([`install -m 0644 ${file} ${SYSTEM_DIR}/`, ...steps.map((step) => systemctlLine(true, step))], true)]);
    return 0;
  }
  if (options.enable === false) {
    say(['land: not enabled (--no-enable); to enable and start it:', ...manual(steps.map((step) => systemctlLine(system, step)), false), ...linger]);
    return 0;
  }
  for (const step of steps) {
    const result = systemctl(system, step);
    if (result.ok) continue;
    if (!result.absent) throw new Error(`${result.why}; the unit is written (${file}): mend that and run land startup again`);
    say([`land: not enabled: ${result.why}; where it runs:`, ...manual(steps.map((line) => systemctlLine(system, line)), false)]);
    return 0;
  }
  const journal = system ? `journalctl -u ${unit.name}` : `journalctl --user -u ${unit.name}`;
  say([`land: enabled and started ${unit.name}: \`${systemctlLine(system, ['status', unit.name])}\`, \`${journal}\`, \`land status\` here`, ...linger]);
  return 0;
}

async function remove(options: StartupOptions): Promise<number> {
  // With --app no config is read: a unit can be removed after its project has gone.
  const config = options.app === undefined ? await readConfig(options) : undefined;
  const app = config ? appOf(config, options) : checkedApp(options.app!);
  const name = unitNameOf(app);
  const system = options.system === true;
  const { dir, installed } = unitDir(options, config?.rootDir ?? process.cwd());
  const file = path.join(installed ? dir : SYSTEM_DIR, name);
  if (!installed) {
    say([`land: ${SYSTEM_DIR} is not writable by ${currentUser()}: remove it as root:`, ...manual([systemctlLine(true, ['disable', '--now', name]), `rm ${file}`, systemctlLine(true, ['daemon-reload'])], true)]);
    return 0;
  }
  if (!existsSync(file)) {
    say([`land: no ${name} in ${dir}: nothing to remove`]);
    return 0;
  }
  const disabled = systemctl(system, ['disable', '--now', name]);
  if (!disabled.ok && !disabled.absent) throw new Error(`${disabled.why}; ${file} is kept`);
  rmSync(file);
  const reloaded = disabled.ok ? systemctl(system, ['daemon-reload']) : disabled;
  if (!reloaded.ok && !reloaded.absent) throw new Error(`removed ${file}, but ${reloaded.why}`);
  say([`land: removed ${file}${disabled.ok ? ` (stopped and disabled ${name} first)` : `: ${disabled.why}, so nothing was running it`}`]);
  return 0;
}

export async function startupCommand(tiers: string[], options: StartupOptions): Promise<number> {
  if (options.remove && tiers.length > 0) throw new InputError(`--remove: takes no tiers (it removes the stack's unit), got ${tiers.join(' ')}`);
  return options.remove ? remove(options) : install(tiers, options);
}
