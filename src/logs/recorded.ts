/**
 * A tier's output as land wrote it to disk: `.land/logs/<boot id>/<tier>.log`, and, when the log was rotated,
 * `<tier>.log.1`, `<tier>.log.2`, … (the higher the number, the older; `.gz` ones decompressed), read oldest first.
 * This is what `land logs` shows when no stack is running, or for `--boot <id>`.
 */
import { closeSync, createReadStream, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { createGunzip, gunzipSync } from 'node:zlib';
import { displayPath } from '../config/display-path.js';
import { EXIT_NO_STACK } from '../control/exit-codes.js';
import { InputError } from '../errors.js';
import { countNewlines } from '../supervisor/line-block.js';
import { escapeRegExp } from '../text/regexp.js';
import { selects, unknownNames, unknownTiers } from './selection.js';

export interface RecordedLog {
  bootId: string;
  /** Oldest first: rotated files by descending number, then the current `<tier>.log`. */
  files: string[];
  /** When the boot's last line was written (the newest file's mtime). */
  lastWrite: Date;
}

export const logsRoot = (rootDir: string) => path.join(rootDir, '.land', 'logs');

/** Boot ids with a log folder, oldest first (boot ids start with their UTC time, so they sort by age). */
export function loggedBoots(rootDir: string): string[] {
  const root = logsRoot(rootDir);
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** The tier names that have a log in a boot's folder, replicas by number (web.2 before web.10). */
function tiersWithLogs(dir: string): string[] {
  const names = new Set<string>();
  for (const name of readdirSync(dir)) {
    const match = /^(.+)\.log(?:\.\d+(?:\.gz)?)?$/.exec(name);
    if (match) names.add(match[1]!);
  }
  return [...names].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

function logFiles(dir: string, tier: string): string[] {
  const rotated = new RegExp(`^${escapeRegExp(tier)}\\.log\\.(\\d+)(\\.gz)?$`);
  const old = readdirSync(dir)
    .map((name) => ({ name, number: Number(rotated.exec(name)?.[1] ?? NaN) }))
    .filter((file) => !Number.isNaN(file.number))
    .sort((a, b) => b.number - a.number)
    .map((file) => path.join(dir, file.name));
  const current = path.join(dir, `${tier}.log`);
  return existsSync(current) ? [...old, current] : old;
}

/** Boot `bootId`'s log folder (default: the latest boot that logged). Bad input is an InputError. */
function bootFolder(rootDir: string, bootId?: string): { id: string; dir: string } {
  const boots = loggedBoots(rootDir);
  if (bootId === undefined && boots.length === 0) {
    throw new InputError(`no stack is running in ${displayPath(rootDir) || '.'} and no boot has logged there yet: start one with \`land up\``, EXIT_NO_STACK);
  }
  const id = bootId ?? boots.at(-1)!;
  if (!boots.includes(id)) {
    const known = boots.length === 0 ? 'none yet' : boots.slice(-5).join(', ');
    throw new InputError(`--boot: no logs for boot "${id}" under ${displayPath(logsRoot(rootDir))} (latest boots: ${known})`);
  }
  return { id, dir: path.join(logsRoot(rootDir), id) };
}

const unknownIn = (unknown: string[], id: string, tiers: string[]) =>
  new InputError(`${unknownTiers(unknown)} in boot ${id} (tiers with logs: ${tiers.length === 0 ? 'none' : tiers.join(', ')})`);

const recordedLog = (id: string, files: string[]): RecordedLog => ({ bootId: id, files, lastWrite: statSync(files.at(-1)!).mtime });

export interface RecordedLogs {
  bootId: string;
  /** The boot's log folder. */
  dir: string;
  /** When the last of these logs was written (with none: the folder's mtime). */
  lastWrite: Date;
  /** Every tier with a log in the boot, in the order shown (prefixes are padded to the longest). */
  names: string[];
  /** The tiers asked for (each instance, a tier's replicas; none: every tier), in the same order. */
  logs: Array<RecordedLog & { tier: string }>;
}

/** The logs of the tiers `wanted` names in boot `bootId` (default: the latest). Unknown names: an InputError. */
export function findRecordedLogs(rootDir: string, wanted: readonly string[], bootId?: string): RecordedLogs {
  const { id, dir } = bootFolder(rootDir, bootId);
  const names = tiersWithLogs(dir);
  const unknown = unknownNames(names, wanted);
  if (unknown.length > 0) throw unknownIn(unknown, id, names);
  const logs = names.filter((tier) => selects(wanted, tier)).map((tier) => ({ tier, ...recordedLog(id, logFiles(dir, tier)) }));
  const lastWrite = logs.length === 0 ? statSync(dir).mtime : new Date(Math.max(...logs.map((log) => log.lastWrite.getTime())));
  return { bootId: id, dir, lastWrite, names, logs };
}

/** Every byte of the log's files, oldest first, in chunks (`.gz` ones decompressed): never the whole log at once. */
export async function* logChunks(log: RecordedLog): AsyncGenerator<Buffer> {
  for (const file of log.files) {
    const source = createReadStream(file);
    const bytes = file.endsWith('.gz') ? source.pipe(createGunzip()) : source;
    if (bytes !== source) source.once('error', (error) => bytes.destroy(error));
    for await (const chunk of bytes) yield chunk as Buffer;
  }
}

const CHUNK = 64 * 1024;

/**
 * The log's bytes from its end backwards, in chunks, newest file first: plain files are read backwards, a `.gz` one
 * (rotated, so at most logs.rotateBytes) is decompressed whole, once.
 */
function* chunksBackwards(log: RecordedLog): Generator<Buffer> {
  for (const file of [...log.files].reverse()) {
    if (file.endsWith('.gz')) {
      yield gunzipSync(readFileSync(file));
      continue;
    }
    const fd = openSync(file, 'r');
    try {
      for (let position = fstatSync(fd).size; position > 0; ) {
        const size = Math.min(CHUNK, position);
        position -= size;
        const chunk = Buffer.alloc(size);
        readSync(fd, chunk, 0, size, position);
        yield chunk;
      }
    } finally {
      closeSync(fd);
    }
  }
}

/**
 * The last `count` lines of the log (without `\r\n` / `\n`). The files are one byte stream, as the log file was
 * before it was rotated: the bytes are joined across files before they are decoded, so a line, a character or a
 * `\r\n` that runs on from one file into the next is whole.
 */
export function lastLines(log: RecordedLog, count: number): string[] {
  if (count <= 0) return [];
  const chunks: Buffer[] = [];
  let newlines = 0;
  let toStart = true;
  for (const chunk of chunksBackwards(log)) {
    chunks.push(chunk);
    newlines += countNewlines(chunk);
    // count + 1 newlines guarantee `count` whole lines after the first (which may be cut).
    if (newlines > count) {
      toStart = false;
      break;
    }
  }
  const text = Buffer.concat(chunks.reverse()).toString('utf8');
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (!toStart) lines.shift();
  return lines.slice(-count).map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}
