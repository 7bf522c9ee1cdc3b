/** `land status | start | stop | restart | scale | logs | down`: clients of a running stack's control socket. */
import { requestJson, requestText, streamLines, type LineStream } from '../control/client.js';
import type { CommandResult, ScaleResult } from '../control/protocol.js';
import { EXIT_LEFT_BEHIND, EXIT_NO_STACK, EXIT_STREAM_LOST } from '../control/exit-codes.js';
import { describeLeftovers, type StillRunning } from '../supervisor/left-behind.js';
import { InputError } from '../errors.js';
import type { StackSnapshot } from '../supervisor/types.js';
import { withStack, type TargetOptions } from './control-target.js';
import { renderStatus } from './status-table.js';
import { MAX_REPLICAS } from '../config/limits.js';

const tierPath = (tier: string, action: string) => `/tiers/${encodeURIComponent(tier)}/${action}`;

export async function statusCommand(options: TargetOptions & { json?: boolean }): Promise<number> {
  const snapshot = await withStack(options, ({ socket }) => requestJson<StackSnapshot>(socket, 'GET', '/status'));
  process.stdout.write(options.json ? `${JSON.stringify(snapshot, null, 2)}\n` : renderStatus(snapshot));
  return 0;
}

/** Where each addressed instance runs now: `api (pid 123)`, `api.1 (pid 4), api.2 (pid 5)`. */
function describeInstances(tiers: CommandResult['tiers']): string {
  return tiers.map((tier) => `${tier.name}${tier.pid !== undefined ? ` (pid ${tier.pid})` : ` (${tier.state})`}`).join(', ');
}

export async function startCommand(tier: string, options: TargetOptions): Promise<number> {
  const result = await withStack(options, ({ socket }) => requestJson<CommandResult>(socket, 'POST', tierPath(tier, 'start')));
  process.stdout.write(`land: started ${describeInstances(result.tiers)}\n`);
  return 0;
}

function parseReplicas(value: string): number {
  const count = Number(value);
  if (!/^\d+$/.test(value) || count < 1 || count > MAX_REPLICAS) throw new InputError(`<replicas>: expected a whole number 1..${MAX_REPLICAS}, got "${value}"`);
  return count;
}

export async function scaleCommand(tier: string, replicas: string, options: TargetOptions): Promise<number> {
  const count = parseReplicas(replicas);
  const path = `${tierPath(tier, 'scale')}?replicas=${count}`;
  const result = await withStack(options, ({ socket }) => requestJson<ScaleResult>(socket, 'POST', path));
  process.stdout.write(`land: ${tier} runs ${result.tiers.length} replica${result.tiers.length === 1 ? '' : 's'}: ${describeInstances(result.tiers)}\n`);
  return sayLeftBehind(result.left);
}

/** What this command's own stops gave up on (the answer says: not by time), one line each on stderr; EXIT_LEFT_BEHIND if any. */
function sayLeftBehind(left: readonly StillRunning[] = []): number {
  const lines = left.flatMap((entry) => describeLeftovers(`tier ${entry.tier}`, entry, 'still there after SIGKILL'));
  for (const line of lines) process.stderr.write(`land: ${line}\n`);
  return lines.length > 0 ? EXIT_LEFT_BEHIND : 0;
}

export async function stopCommand(tier: string, options: TargetOptions): Promise<number> {
  const result = await withStack(options, ({ socket }) => requestJson<CommandResult>(socket, 'POST', tierPath(tier, 'stop')));
  process.stdout.write(`land: stopped ${tier}\n`);
  return sayLeftBehind(result.left);
}

export async function restartCommand(tier: string, options: TargetOptions): Promise<number> {
  const result = await withStack(options, ({ socket }) => requestJson<CommandResult>(socket, 'POST', tierPath(tier, 'restart')));
  const { pid, restarts } = result.tier;
  process.stdout.write(`land: restarted ${tier}${pid !== undefined ? ` (pid ${pid}, restart ${restarts})` : ''}\n`);
  return sayLeftBehind(result.left);
}

export interface LogsOptions extends TargetOptions {
  follow?: boolean;
  lines?: string;
  json?: boolean;
  /** Read this boot's log files instead of asking the running stack. */
  boot?: string;
}

function parseLines(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const lines = Number(value);
  if (!Number.isInteger(lines) || lines < 0) throw new InputError(`--lines: expected a whole number ≥ 0, got "${value}"`);
  return lines;
}

/**
 * Recent lines (all the stack keeps, or --lines), and with -f every new one until Ctrl-C or the stack stops. With
 * no stack running, or with --boot, the boot's log files instead (src/cli/recorded-logs.ts).
 */
export async function logsCommand(tier: string, options: LogsOptions): Promise<number> {
  const limit = parseLines(options.lines);
  const recorded = async (noStack: boolean) => (await import('./recorded-logs.js')).recordedLogsCommand(tier, options, limit, noStack);
  if (options.boot !== undefined) return recorded(false);
  try {
    return await liveLogs(tier, options, limit);
  } catch (error) {
    if (error instanceof InputError && error.exitCode === EXIT_NO_STACK) return recorded(true);
    throw error;
  }
}

async function liveLogs(tier: string, options: LogsOptions, limit: number | undefined): Promise<number> {
  const query = new URLSearchParams({ format: options.json ? 'ndjson' : 'text' });
  if (limit !== undefined) query.set('limit', String(limit));
  if (!options.follow) {
    const text = await withStack(options, ({ socket }) => requestText(socket, `${tierPath(tier, 'logs')}?${query}`));
    process.stdout.write(text);
    return 0;
  }
  query.set('follow', '1');
  // Back-pressure: while stdout is behind (a slow pipe), the stream is not read, and the stack holds back.
  let paused = false;
  const stream: LineStream = await withStack(options, ({ socket }) =>
    streamLines(socket, `${tierPath(tier, 'logs')}?${query}`, (line) => {
      if (process.stdout.write(`${line}\n`) || paused) return;
      paused = true;
      stream.pause();
      process.stdout.once('drain', () => {
        paused = false;
        stream.resume();
      });
    }),
  );
  const detach = () => stream.close();
  process.once('SIGINT', detach);
  process.once('SIGTERM', detach);
  const end = await stream.done;
  process.off('SIGINT', detach);
  process.off('SIGTERM', detach);
  if (end !== 'lost') return 0;
  process.stderr.write(`land: the log stream of ${tier} was cut off before the stack stopped (land died, or this reader stayed behind too long)\n`);
  return EXIT_STREAM_LOST;
}

export { downCommand } from './down.js';
