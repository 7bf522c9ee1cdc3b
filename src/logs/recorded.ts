/**
 * A tier's output as land wrote it to disk: `.land/logs/<boot id>/<tier>.log`, and, when the log was rotated,
 * `<tier>.log.1`, `<tier>.log.2`, … (the higher the number, the older; `.gz` ones decompressed), read oldest first.
 * This is what `land logs` shows when no stack is running, or for `--boot <id>`.
 */
import { closeSync, createReadStream, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import { createGunzip, gunzipSync } from 'node:zlib';
import { displayPath } from '../config/display-path.js';
import { EXIT_NO_STACK } from '../control/exit-codes.js';
import { InputError } from '../errors.js';
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

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

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
  const rotated = new RegExp(`^${escape(tier)}\\.log\\.(\\d+)(\\.gz)?$`);
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

/** The log of `tier` in boot `bootId` (default: the latest boot that logged). Bad input is an InputError. */
export function findRecordedLog(rootDir: string, tier: string, bootId?: string): RecordedLog {
  const { id, dir } = bootFolder(rootDir, bootId);
  const files = logFiles(dir, tier);
  if (files.length === 0) throw unknownIn([tier], id, tiersWithLogs(dir));
  return recordedLog(id, files);
}

/** Whether `tier` names one instance with a log in that boot (false also when there is no such boot). */
export function hasRecordedLog(rootDir: string, tier: string, bootId?: string): boolean {
  const boots = loggedBoots(rootDir);
  const id = bootId ?? boots.at(-1);
  return id !== undefined && boots.includes(id) && logFiles(path.join(logsRoot(rootDir), id), tier).length > 0;
}

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

function readWhole(file: string): Buffer {
  const bytes = readFileSync(file);
  return file.endsWith('.gz') ? gunzipSync(bytes) : bytes;
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

/** Every byte of the log, oldest first, streamed (a flood's log is not held in memory). */
export async function copyLog(log: RecordedLog, out: Writable): Promise<void> {
  await pipeline(Readable.from(logChunks(log)), out, { end: false });
}

const CHUNK = 64 * 1024;

/**
 * The last `count` lines of one file (plain files read backwards in chunks); fewer when the file has fewer. `whole`:
 * the file was read to its start, so the first line is the file's own first.
 */
function lastLinesOf(file: string, count: number): { lines: string[]; whole: boolean } {
  if (file.endsWith('.gz')) return { lines: splitLines(readWhole(file).toString('utf8')).slice(-count), whole: true };
  const fd = openSync(file, 'r');
  try {
    let position = statSync(file).size;
    const chunks: Buffer[] = [];
    let newlines = 0;
    // count + 1 newlines guarantee `count` whole lines (the one before them may be cut).
    while (position > 0 && newlines <= count) {
      const size = Math.min(CHUNK, position);
      position -= size;
      const chunk = Buffer.alloc(size);
      readSync(fd, chunk, 0, size, position);
      chunks.unshift(chunk);
      for (const byte of chunk) if (byte === 0x0a) newlines++;
    }
    const tail = Buffer.concat(chunks);
    const lines = splitLines(tail.toString('utf8'));
    return { lines: position > 0 ? lines.slice(1).slice(-count) : lines.slice(-count), whole: position === 0 && lines.length <= count };
  } finally {
    closeSync(fd);
  }
}

function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Whether a file's last byte ends a line (else its last line runs on into the next newer file). */
function endsLine(file: string): boolean {
  if (file.endsWith('.gz')) return readWhole(file).at(-1) === 0x0a;
  const size = statSync(file).size;
  if (size === 0) return true;
  const fd = openSync(file, 'r');
  try {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    closeSync(fd);
  }
}

/**
 * The last `count` lines across the files, newest file first until enough are found. A line that runs on from one
 * file into the next (rotation goes by size) is one line: its end in the newer file is joined to its start.
 */
export function lastLines(log: RecordedLog, count: number): string[] {
  let lines: string[] = [];
  const files = [...log.files].reverse();
  /** lines[0] is the end of a line that began in the next older file. */
  let joinFirst = false;
  for (const [i, file] of files.entries()) {
    const wanted = count - lines.length + (joinFirst ? 1 : 0);
    if (wanted <= 0) break;
    const { lines: own, whole } = lastLinesOf(file, wanted);
    if (joinFirst && own.length > 0) lines[0] = `${own.pop()!}${lines[0]!}`;
    // Not unshift(...own): a spread of a few hundred thousand lines overflows the call stack (`land logs a --json`).
    lines = own.concat(lines);
    const older = files[i + 1];
    joinFirst = whole && older !== undefined && !endsLine(older);
  }
  return lines.slice(-count);
}
