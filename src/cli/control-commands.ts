/** `land status | start | stop | restart | scale | logs | down`: clients of a running stack's control socket. */
import { requestJson } from '../control/client.js';
import type { CommandResult, RestartAllResult, ScaleResult } from '../control/protocol.js';
import { EXIT_LEFT_BEHIND, EXIT_NO_STACK } from '../control/exit-codes.js';
import { describeLeftovers, type StillRunning } from '../supervisor/left-behind.js';
import { InputError } from '../errors.js';
import type { StackSnapshot } from '../supervisor/types.js';
import { withStack, type TargetOptions } from './control-target.js';
import { renderStatus } from './status-table.js';
import { MAX_REPLICAS } from '../config/limits.js';
import { unknownTiers } from '../logs/selection.js';
import { describeInstances, scaleLine } from './scale-line.js';

const tierPath = (tier: string, action: string) => `/tiers/${encodeURIComponent(tier)}/${action}`;

export async function statusCommand(names: string[], options: TargetOptions & { json?: boolean }): Promise<number> {
  const whole = await withStack(options, ({ socket }) => requestJson<StackSnapshot>(socket, 'GET', '/status')).catch((error: unknown) => {
    // `land status --json | jq` gets an object either way: no stack is said on stdout too (same line and exit code on stderr).
    if (options.json && error instanceof InputError && error.exitCode === EXIT_NO_STACK) {
      process.stdout.write(`${JSON.stringify({ running: false, message: error.message }, null, 2)}\n`);
    }
    throw error;
  });
  checkNames(names, whole);
  // Only the tiers named (a tier with replicas: all of them), as `docker compose ps web` and `pm2 show web`.
  const snapshot = names.length === 0 ? whole : namedOnly(whole, names);
  process.stdout.write(options.json ? `${JSON.stringify({ running: true, ...snapshot }, null, 2)}\n` : renderStatus(snapshot));
  return 0;
}

/** The snapshot of the named tiers only: their rows, and the receiver's counts of them (a replica's are its tier's). */
function namedOnly(whole: StackSnapshot, names: readonly string[]): StackSnapshot {
  const tiers = whole.tiers.filter((tier) => names.includes(tier.name) || (tier.group !== undefined && names.includes(tier.group)));
  if (!whole.receiver) return { ...whole, tiers };
  const counted = new Set(tiers.map((tier) => tier.group ?? tier.name));
  const receiverTiers = Object.fromEntries(Object.entries(whole.receiver.tiers).filter(([tier]) => counted.has(tier)));
  return { ...whole, tiers, receiver: { ...whole.receiver, tiers: receiverTiers } };
}

/** Every name is a tier (or a replica, or a tier's replicas) of the running stack: else one line naming the known ones, exit 2. */
function checkNames(names: readonly string[], snapshot: StackSnapshot): void {
  const unknown = names.filter((name) => !snapshot.tiers.some((tier) => tier.name === name || tier.group === name));
  if (unknown.length > 0) throw new InputError(unknownTiers(unknown, snapshot.tiers.map((tier) => tier.name)));
}

/**
 * `land start|stop|restart a b`: each name checked before anything is done, then one after the other, each said as
 * it is done (as `land reload a b`); the first that fails ends it, and the names not reached are said.
 */
export async function eachTier(names: string[], verb: string, act: (tier: string) => Promise<number>, options: TargetOptions): Promise<number> {
  if (names.length > 1) checkNames(names, await withStack(options, ({ socket }) => requestJson<StackSnapshot>(socket, 'GET', '/status')));
  let code = 0;
  for (const [index, tier] of [...new Set(names)].entries()) {
    try {
      code = Math.max(code, await act(tier));
    } catch (error) {
      const later = [...new Set(names)].slice(index + 1);
      if (later.length > 0) process.stderr.write(`land: not ${verb}: ${later.join(', ')}\n`);
      throw error;
    }
  }
  return code;
}

export async function startCommand(tier: string, options: TargetOptions): Promise<number> {
  const result = await withStack(options, ({ socket }) => requestJson<CommandResult>(socket, 'POST', tierPath(tier, 'start')));
  const running = new Set(result.alreadyRunning);
  const started = result.tiers.filter((instance) => !running.has(instance.name));
  const already = result.tiers.filter((instance) => running.has(instance.name));
  const tail = already.length > 0 ? `; already running: ${describeInstances(already)}` : '';
  process.stdout.write(`land: started ${describeInstances(started)}${tail}\n`);
  return 0;
}

function parseReplicas(tier: string, value: string): number {
  const count = Number(value);
  // `pm2 scale web 0` and `docker compose up --scale web=0` stop every instance: land says its own word for that.
  const zero = /^\d+$/.test(value) && count === 0 ? ` (\`land stop ${tier}\` stops every replica)` : '';
  if (!/^\d+$/.test(value) || count < 1 || count > MAX_REPLICAS) throw new InputError(`<replicas>: expected a whole number 1..${MAX_REPLICAS}, got "${value}"${zero}`);
  return count;
}

export async function scaleCommand(tier: string, replicas: string, options: TargetOptions): Promise<number> {
  const count = parseReplicas(tier, replicas);
  const path = `${tierPath(tier, 'scale')}?replicas=${count}`;
  const result = await withStack(options, ({ socket }) => requestJson<ScaleResult>(socket, 'POST', path));
  process.stdout.write(`land: ${scaleLine(tier, result.tiers)}\n`);
  return sayLeftBehind(result.left);
}

/** What this command's own stops gave up on (the answer says: not by time), one line each on stderr; EXIT_LEFT_BEHIND if any. */
export function sayLeftBehind(left: readonly StillRunning[] = []): number {
  const lines = left.flatMap((entry) => describeLeftovers(`tier ${entry.tier}`, entry, 'still there after SIGKILL'));
  for (const line of lines) process.stderr.write(`land: ${line}\n`);
  return lines.length > 0 ? EXIT_LEFT_BEHIND : 0;
}

export async function stopCommand(tier: string, options: TargetOptions): Promise<number> {
  const result = await withStack(options, ({ socket }) => requestJson<CommandResult>(socket, 'POST', tierPath(tier, 'stop')));
  process.stdout.write(`land: stopped ${tier}\n`);
  return sayLeftBehind(result.left);
}

export async function restartCommand(tier: string | undefined, options: TargetOptions & { all?: boolean }): Promise<number> {
  if (options.all && tier !== undefined) throw new InputError(`--all: restarts every tier; name none (got ${tier})`);
  if (options.all) return restartAll(options);
  if (tier === undefined) throw new InputError('restart: expected a tier name, or --all for every running tier');
  const result = await withStack(options, ({ socket }) => requestJson<CommandResult>(socket, 'POST', tierPath(tier, 'restart')));
  // Every instance restarted (a tier with replicas: each of them), with its new pid.
  const said = result.tiers.map(({ name, pid, restarts }) => `${name}${pid !== undefined ? ` (pid ${pid}, restart ${restarts})` : ''}`);
  process.stdout.write(`land: restarted ${said.join(', ')}\n`);
  return sayLeftBehind(result.left);
}

/** Every running tier, in dependency order: what is said is the order they were asked to come back in. */
async function restartAll(options: TargetOptions): Promise<number> {
  const result = await withStack(options, ({ socket }) => requestJson<RestartAllResult>(socket, 'POST', '/restart'));
  process.stdout.write(`land: restarting ${result.tiers.map((tier) => tier.name).join(', ')} (each once what it depends on is met)
`);
  return sayLeftBehind(result.left);
}

export { downCommand } from './down.js';
export { logsCommand } from './logs.js';
