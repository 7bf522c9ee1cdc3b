/**
 * A tier's output as land wrote it to disk: `.land/logs/<boot id>/<tier>.log`, and, when the log was rotated,
 * `<tier>.log.1`, `<tier>.log.2`, … (the higher the number, the older; `.gz` ones decompressed), read oldest first.
 * This is what `land logs` shows when no stack is running, or for `--boot <id>`.
 */
import { closeSync, createReadStream, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import { createGunzip, gunzipSync } from 'node:zlib';
import { displayPath } from '../config/display-path.js';
import { EXIT_NO_STACK } from '../control/exit-codes.js';
import { InputError } from '../errors.js';

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

/** The tier names that have a log in a boot's folder. */
function tiersWithLogs(dir: string): string[] {
  const names = new Set<string>();
  for (const name of readdirSync(dir)) {
    const match = /^(.+)\.log(?:\.\d+(?:\.gz)?)?$/.exec(name);
    if (match) names.add(match[1]!);
  }
  return [...names].sort();
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

/** The log of `tier` in boot `bootId` (default: the latest boot that logged). Bad input is an InputError. */
export function findRecordedLog(rootDir: string, tier: string, bootId?: string): RecordedLog {
  const boots = loggedBoots(rootDir);
  if (bootId === undefined && boots.length === 0) {
    throw new InputError(`no stack is running in ${displayPath(rootDir) || '.'} and no boot has logged there yet: start one with \`land up\``, EXIT_NO_STACK);
  }
  const id = bootId ?? boots.at(-1)!;
  if (!boots.includes(id)) {
    const known = boots.length === 0 ? 'none yet' : boots.slice(-5).join(', ');
    throw new InputError(`--boot: no logs for boot "${id}" under ${displayPath(logsRoot(rootDir))} (latest boots: ${known})`);
  }
  const dir = path.join(logsRoot(rootDir), id);
  const files = logFiles(dir, tier);
  if (files.length === 0) {
    const tiers = tiersWithLogs(dir);
    throw new InputError(`unknown tier "${tier}" in boot ${id} (tiers with logs: ${tiers.length === 0 ? 'none' : tiers.join(', ')})`);
  }
  return { bootId: id, files, lastWrite: statSync(files.at(-1)!).mtime };
}

function readWhole(file: string): Buffer {
  const bytes = readFileSync(file);
  return file.endsWith('.gz') ? gunzipSync(bytes) : bytes;
}

/** Every byte of the log, oldest first, streamed (a flood's log is not held in memory). */
export async function copyLog(log: RecordedLog, out: Writable): Promise<void> {
  for (const file of log.files) {
    const source = createReadStream(file);
    if (file.endsWith('.gz')) await pipeline(source, createGunzip(), out, { end: false });
    else await pipeline(source, out, { end: false });
  }
}

const CHUNK = 64 * 1024;

/** The last `count` lines of one plain file, read backwards in chunks; fewer when the file has fewer. */
function lastLinesOf(file: string, count: number): string[] {
  if (file.endsWith('.gz')) return splitLines(readWhole(file).toString('utf8')).slice(-count);
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
    return position > 0 ? lines.slice(1).slice(-count) : lines.slice(-count);
  } finally {
    closeSync(fd);
  }
}

function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** The last `count` lines across the files, newest file first until enough are found. */
export function lastLines(log: RecordedLog, count: number): string[] {
  const lines: string[] = [];
  for (const file of [...log.files].reverse()) {
    if (lines.length >= count) break;
    lines.unshift(...lastLinesOf(file, count - lines.length));
  }
  return lines;
}
