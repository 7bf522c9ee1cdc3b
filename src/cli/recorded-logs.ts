/** `land logs <tier>` from the files of a boot: with no stack running (the last boot), or for `--boot <id>`. */
import { displayPath } from '../config/display-path.js';
import { copyLog, findRecordedLog, lastLines } from '../logs/recorded.js';
import { findTarget, type TargetOptions } from './control-target.js';

export interface RecordedLogsOptions extends TargetOptions {
  boot?: string;
  json?: boolean;
  follow?: boolean;
}

/** Which boot and files are shown, on stderr: stdout stays the log itself. */
function describe(tier: string, bootId: string, files: string[], lastWrite: Date, why: string): string {
  const when = lastWrite.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const where = files.length === 1 ? displayPath(files[0]!) : `${files.length} files, oldest first, ending with ${displayPath(files.at(-1)!)}`;
  return `land: ${tier} · boot ${bootId} (${why}; last written ${when}) · ${where}\n`;
}

export async function recordedLogsCommand(tier: string, options: RecordedLogsOptions, limit: number | undefined, noStack: boolean): Promise<number> {
  const { rootDir } = findTarget(options);
  const log = findRecordedLog(rootDir, tier, options.boot);
  const why = options.boot !== undefined ? 'the boot asked for' : 'the last boot: no stack is running';
  process.stderr.write(describe(tier, log.bootId, log.files, log.lastWrite, why));
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
