/** `land logs [tier…]` from the files of a boot: with no stack running (the last boot), or for `--boot <id>`. */
import path from 'node:path';
import { once } from 'node:events';
import { displayPath } from '../config/display-path.js';
import { copyPrefixed, logLines } from '../logs/prefixed.js';
import { copyLog, findRecordedLog, findRecordedLogs, hasRecordedLog, lastLines, type RecordedLogs } from '../logs/recorded.js';
import { findTarget, type TargetOptions } from './control-target.js';
import { tierHeads, useColor } from './tier-heads.js';

export interface RecordedLogsOptions extends TargetOptions {
  boot?: string;
  json?: boolean;
  follow?: boolean;
}

const why = (options: RecordedLogsOptions) => (options.boot !== undefined ? 'the boot asked for' : 'the last boot: no stack is running');

/** Which boot and files are shown, on stderr: stdout stays the log itself. */
function describe(what: string, bootId: string, lastWrite: Date, why: string, where: string): string {
  const when = lastWrite.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  return `land: ${what} · boot ${bootId} (${why}; last written ${when}) · ${where}\n`;
}

/** One tier's files, or several tiers' (a tier with replicas named, several names, or none: every tier). */
export async function recordedLogs(tiers: string[], options: RecordedLogsOptions, limit: number | undefined, noStack: boolean): Promise<number> {
  const { rootDir } = findTarget(options);
  if (tiers.length === 1 && hasRecordedLog(rootDir, tiers[0]!, options.boot)) return recordedLogsCommand(tiers[0]!, options, limit, noStack);
  return recordedStackLogs(findRecordedLogs(rootDir, tiers, options.boot), options, limit, noStack);
}

export async function recordedLogsCommand(tier: string, options: RecordedLogsOptions, limit: number | undefined, noStack: boolean): Promise<number> {
  const { rootDir } = findTarget(options);
  const log = findRecordedLog(rootDir, tier, options.boot);
  const { files } = log;
  const where = files.length === 1 ? displayPath(files[0]!) : `${files.length} files, oldest first, ending with ${displayPath(files.at(-1)!)}`;
  process.stderr.write(describe(tier, log.bootId, log.lastWrite, why(options), where));
  if (options.follow && noStack) process.stderr.write('land: not following: no stack is running\n');
  if (limit === undefined && !options.json) {
    await copyLog(log, process.stdout);
    return 0;
  }
  const lines = lastLines(log, limit ?? Number.MAX_SAFE_INTEGER);
  const text = options.json
    ? lines.map((line) => JSON.stringify({ tier, boot: log.bootId, line })).join('\n')
    : lines.join('\n');
  if (text !== '') process.stdout.write(`${text}\n`);
  return 0;
}

/** Lines to stdout in pieces, each once stdout has taken the last (a large log is never held whole). */
async function writeLines(lines: Iterable<string> | AsyncIterable<string>): Promise<void> {
  let piece = '';
  const flush = async () => {
    if (piece !== '' && !process.stdout.write(piece)) await once(process.stdout, 'drain');
    piece = '';
  };
  for await (const line of lines) {
    piece += `${line}\n`;
    if (piece.length >= 64 * 1024) await flush();
  }
  await flush();
}

/**
 * Several tiers' files, tier after tier: a log file holds the child's bytes as written and no time, so lines of
 * different tiers cannot be put back in the order they came (docs/decisions.md); stderr says so.
 */
async function recordedStackLogs(found: RecordedLogs, options: RecordedLogsOptions, limit: number | undefined, noStack: boolean): Promise<number> {
  const { bootId, logs } = found;
  const files = logs.reduce((sum, log) => sum + log.files.length, 0);
  const what = logs.length === 0 ? 'no tier has a log' : logs.map((log) => log.tier).join(', ');
  process.stderr.write(describe(what, bootId, found.lastWrite, why(options), `${files} file${files === 1 ? '' : 's'} in ${displayPath(found.dir)}${path.sep}`));
  if (logs.length > 1) process.stderr.write('land: log files hold no times: each tier is shown whole after the one before, not interleaved as its lines came\n');
  if (options.follow && noStack) process.stderr.write('land: not following: no stack is running\n');
  const headOf = tierHeads(found.names, useColor(process.stdout));
  for (const log of logs) {
    const { tier } = log;
    if (options.json) {
      const lines = limit === undefined ? logLines(log) : lastLines(log, limit);
      await writeLines(mapLines(lines, (line) => JSON.stringify({ tier, boot: bootId, line })));
    } else if (limit !== undefined) {
      const { text } = headOf(tier);
      await writeLines(lastLines(log, limit).map((line) => `${text}${line}`));
    } else await copyPrefixed(log, headOf(tier).bytes, process.stdout);
  }
  return 0;
}

async function* mapLines(lines: Iterable<string> | AsyncIterable<string>, map: (line: string) => string): AsyncGenerator<string> {
  for await (const line of lines) yield map(line);
}
