/** `land logs [tier…]` from the files of a boot: with no stack running (the last boot), or for `--boot <id>`. */
import { statSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { displayPath } from '../config/display-path.js';
import { copyPrefixed, logLines, type FileLine } from '../logs/prefixed.js';
import { findRecordedLogs, lastLines, type RecordedLog, type RecordedLogs } from '../logs/recorded.js';
import { findTarget, type TargetOptions } from './control-target.js';
import { tierHeads, useColor, type TierHead } from './tier-heads.js';

export interface RecordedLogsOptions extends TargetOptions {
  boot?: string;
  json?: boolean;
  follow?: boolean;
}

const why = (options: RecordedLogsOptions) => (options.boot !== undefined ? 'the boot asked for' : 'the last boot: no stack is running');
const NO_HEAD: TierHead = { text: '', bytes: Buffer.alloc(0) };

/**
 * One tier's files (one instance named: its lines as written, no prefix), or several tiers' (a tier with replicas
 * named, several names, or none: every tier) tier after tier: a log file holds the child's bytes as written and no
 * time, so lines of different tiers cannot be put back in the order they came (docs/decisions.md); stderr says so.
 */
export async function recordedLogs(tiers: string[], options: RecordedLogsOptions, limit: number | undefined, noStack: boolean): Promise<number> {
  const found = findRecordedLogs(findTarget(options).rootDir, tiers, options.boot);
  const { bootId, logs } = found;
  const one = tiers.length === 1 && logs.length === 1 && logs[0]!.tier === tiers[0] ? logs[0] : undefined;
  process.stderr.write(describe(found, one, why(options)));
  for (const log of logs) if (log.files.every((file) => statSync(file).size === 0)) process.stderr.write(`land: ${log.tier} wrote nothing in boot ${bootId}\n`);
  if (logs.length > 1) process.stderr.write('land: log files hold no times: each tier is shown whole after the one before, not interleaved as its lines came\n');
  if (options.follow && noStack) process.stderr.write('land: not following: no stack is running\n');
  const headOf = one ? () => NO_HEAD : tierHeads(found.names, useColor(process.stdout));
  for (const log of logs) {
    const { tier } = log;
    if (options.json) {
      const lines: Iterable<FileLine> | AsyncIterable<FileLine> = limit === undefined ? logLines(log) : lastLines(log, limit).map((line) => ({ line }));
      await writeLines(mapLines(lines, ({ line, cut }) => JSON.stringify({ tier, boot: bootId, line, ...(cut ? { cut } : {}) })));
    } else if (limit !== undefined) {
      const { text } = headOf(tier);
      await writeLines(lastLines(log, limit).map((line) => `${text}${line}`));
    } else await copyPrefixed(log, headOf(tier).bytes, process.stdout);
  }
  return 0;
}

/** Which boot and files are shown, on stderr: stdout stays the log. */
function describe(found: RecordedLogs, one: RecordedLog | undefined, why: string): string {
  const { logs } = found;
  const when = found.lastWrite.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const what = logs.length === 0 ? 'no tier has a log' : logs.map((log) => log.tier).join(', ');
  const files = logs.reduce((sum, log) => sum + log.files.length, 0);
  const where = !one
    ? `${files} file${files === 1 ? '' : 's'} in ${displayPath(found.dir)}${path.sep}`
    : files === 1
      ? displayPath(one.files[0]!)
      : `${files} files, oldest first, ending with ${displayPath(one.files.at(-1)!)}`;
  return `land: ${what} · boot ${found.bootId} (${why}; last written ${when}) · ${where}\n`;
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

async function* mapLines<T>(lines: Iterable<T> | AsyncIterable<T>, map: (line: T) => string): AsyncGenerator<string> {
  for await (const line of lines) yield map(line);
}
