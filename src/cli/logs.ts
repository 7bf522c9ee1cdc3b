/**
 * `land logs [tier…]`: one tier's recent output as it has always been shown (its lines as written), or several
 * tiers' — every tier with none named, a tier's replicas by its name — interleaved as they came, each line prefixed
 * as `land up --no-tui` prints it. `-f` follows until Ctrl-C or the stack stops. With no stack running, or with
 * --boot, the boot's log files instead (src/cli/recorded-logs.ts).
 */
import { ApiError, requestJson, requestText, streamLines, type LineStream } from '../control/client.js';
import { EXIT_CONFLICT, EXIT_NO_STACK, EXIT_STREAM_LOST } from '../control/exit-codes.js';
import type { LogLine } from '../control/protocol.js';
import { InputError } from '../errors.js';
import { lineCount } from '../logs/line-count.js';
import { parseSince, stamp } from '../logs/since.js';
import type { StackSnapshot } from '../supervisor/types.js';
import { withStack, type TargetOptions } from './control-target.js';
import { tierHeads, useColor } from './tier-heads.js';

export interface LogsOptions extends TargetOptions {
  follow?: boolean;
  lines?: string;
  json?: boolean;
  /** Read this boot's log files instead of asking the running stack. */
  boot?: string;
  /** `-t`: each line's arrival time before it. */
  timestamps?: boolean;
  /** Only lines that came at or after this (a duration back from now, or a time: src/logs/since.ts). */
  since?: string;
}

/** What -t and --since make of each line: a line to print, or undefined to leave it out. */
interface Shape {
  since?: number;
  timestamps: boolean;
}

const shaped = (shape: Shape | undefined, line: LogLine, text: string): string | undefined =>
  shape?.since !== undefined && line.at < shape.since ? undefined : shape?.timestamps ? `${stamp(line.at)}${text}` : text;

/** -t and --since read each line's time: in the stack's NDJSON (a log file holds none, so these need a running stack). */
function shapeOf(options: LogsOptions): Shape | undefined {
  if (!options.timestamps && options.since === undefined) return undefined;
  return { timestamps: Boolean(options.timestamps) && !options.json, ...(options.since !== undefined && { since: parseSince(options.since) }) };
}

function parseLines(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const lines = lineCount(value);
  if (lines === undefined) throw new InputError(`--lines: expected a whole number ≥ 0, got "${value}"`);
  return lines;
}

/** Recent lines (all the stack keeps, or --lines, per tier), and with -f every new one until Ctrl-C or the stack stops. */
export async function logsCommand(tiers: string[], options: LogsOptions): Promise<number> {
  const limit = parseLines(options.lines);
  const shape = shapeOf(options);
  // A reader that goes away (`land logs | head`) ends the command quietly: src/cli/stdout-failure.ts.
  const recorded = async (noStack: boolean) => {
    if (shape) {
      const flag = options.since !== undefined ? '--since' : '-t/--timestamps';
      throw new InputError(`${flag}: log files hold no times, and ${noStack ? 'no stack is running here' : '--boot reads them'}: only a running stack's lines have theirs`);
    }
    return (await import('./recorded-logs.js')).recordedLogs(tiers, options, limit, noStack);
  };
  if (options.boot !== undefined) return recorded(false);
  try {
    // One name: asked as one instance first (its lines as written), in one request; a name that is no instance (a
    // tier with replicas, or unknown) goes on to the stack-wide form, which shows the replicas or says what it knows.
    if (tiers.length === 1) {
      try {
        return await tierLogs(tiers[0]!, options, limit, shape, true);
      } catch (error) {
        if (!(error instanceof NoInstance)) throw error;
      }
    }
    // The stack's instances: the order the prefixes take.
    const snapshot = await withStack(options, ({ socket }) => requestJson<StackSnapshot>(socket, 'GET', '/status'));
    return await stackLogs(tiers, snapshot.tiers.map((tier) => tier.name), options, limit, shape);
  } catch (error) {
    if (error instanceof InputError && error.exitCode === EXIT_NO_STACK) return recorded(true);
    throw error;
  }
}

/** The stack has no instance of the name asked for (`tierLogs` with `orNone`): a tier with replicas, or unknown. */
class NoInstance extends Error {}

/** With `orNone`, the stack's "unknown tier" becomes NoInstance; any other error, or without it, is thrown as it is. */
const unknownTierAsNoInstance = (orNone: boolean) => (error: unknown) => {
  throw orNone && error instanceof ApiError && error.code === 'unknown-tier' ? new NoInstance(error.message) : error;
};

const tierPath = (tier: string) => `/tiers/${encodeURIComponent(tier)}/logs`;

async function tierLogs(tier: string, options: LogsOptions, limit: number | undefined, shape: Shape | undefined, orNone = false): Promise<number> {
  // -t and --since need each line's time: NDJSON, shaped here (a line as written then, its time before it).
  const query = new URLSearchParams({ format: options.json || shape ? 'ndjson' : 'text' });
  if (limit !== undefined) query.set('limit', String(limit));
  const print = (text: string) => {
    if (!shape) return text;
    const line = JSON.parse(text) as LogLine;
    return shaped(shape, line, options.json ? text : line.line);
  };
  if (!options.follow) {
    const text = await withStack(options, ({ socket }) => requestText(socket, `${tierPath(tier)}?${query}`).catch(unknownTierAsNoInstance(orNone)));
    process.stdout.write(shape ? text.split('\n').filter(Boolean).map(print).filter((line) => line !== undefined).map((line) => `${line}\n`).join('') : text);
    return 0;
  }
  query.set('follow', '1');
  return printStream(options, `${tierPath(tier)}?${query}`, print, { follow: true, what: tier, orNone });
}

/** Several tiers through the stack-wide stream (GET /logs): NDJSON, printed as is (--json) or prefixed. */
async function stackLogs(tiers: string[], names: string[], options: LogsOptions, limit: number | undefined, shape?: Shape): Promise<number> {
  const query = new URLSearchParams(tiers.map((tier): [string, string] => ['tier', tier]));
  if (limit !== undefined) query.set('limit', String(limit));
  if (options.follow) query.set('follow', '1');
  const headOf = tierHeads(names, useColor(process.stdout));
  const print = (text: string) => {
    if (options.json && !shape) return text;
    const line = JSON.parse(text) as LogLine;
    if (options.json) return shaped(shape, line, text);
    const shown = shaped(shape, line, line.line);
    return shown === undefined ? undefined : `${headOf(line.tier).text}${shown}`;
  };
  const what = tiers.length === 0 ? 'every tier' : tiers.join(', ');
  try {
    return await printStream(options, `/logs?${query}`, print, { follow: Boolean(options.follow), what });
  } catch (error) {
    if (!(error instanceof NoSuchRoute)) throw error;
    // A land started before GET /logs existed: one name is what it has always shown (or refused, for replicas).
    if (tiers.length === 1) return tierLogs(tiers[0]!, options, limit, shape);
    throw new InputError(`the running land is older than this command: it shows one tier at a time (\`land logs <tier>\`); restart the stack (\`land down\`, \`land up\`) for ${what} at once`, EXIT_CONFLICT);
  }
}

/** The stack answered that it has no such route: it was started by an older land. */
class NoSuchRoute extends Error {}

/**
 * Each line of a streamed answer written to stdout as `print` makes it (undefined: nothing); a stdout that is behind
 * (a slow pipe) stops the reading: back-pressure. `land attach` follows a tier through it too.
 */
export async function streamToStdout(socket: string, path: string, print: (line: string) => string | undefined): Promise<LineStream> {
  let paused = false;
  const stream: LineStream = await streamLines(socket, path, (line) => {
    const shown = print(line);
    if (shown === undefined || shown === '' || process.stdout.write(shown) || paused) return;
    paused = true;
    stream.pause();
    process.stdout.once('drain', () => {
      paused = false;
      stream.resume();
    });
  });
  return stream;
}

/** A streamed answer to stdout, line by line; a stdout that is behind (a slow pipe) stops the reading: back-pressure. */
async function printStream(
  options: LogsOptions,
  path: string,
  print: (line: string) => string | undefined,
  how: { follow: boolean; what: string; orNone?: boolean },
): Promise<number> {
  const stream: LineStream = await withStack(options, ({ socket }) =>
    streamToStdout(socket, path, (line) => {
      const shown = print(line);
      return shown === undefined ? undefined : `${shown}\n`;
    })
      .catch(unknownTierAsNoInstance(how.orNone ?? false))
      .catch((error: unknown) => {
        throw error instanceof ApiError && error.code === 'not-found' ? new NoSuchRoute(error.message) : error;
      }),
  );
  const detach = () => stream.close();
  if (how.follow) {
    process.once('SIGINT', detach);
    process.once('SIGTERM', detach);
  }
  const end = await stream.done;
  process.off('SIGINT', detach);
  process.off('SIGTERM', detach);
  const removed = stream.endedBecause();
  if (end === 'ended' && removed !== undefined) {
    process.stderr.write(`land: ${removed}; stopped following it\n`);
    return EXIT_CONFLICT;
  }
  if (end !== 'lost') return 0;
  const what = how.follow ? `the log stream of ${how.what} was cut off before the stack stopped` : `the logs of ${how.what} were cut off before their end`;
  process.stderr.write(`land: ${what} (land died, or this reader stayed behind too long)\n`);
  return EXIT_STREAM_LOST;
}
