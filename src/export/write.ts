/**
 * Writing an export: every file into the output folder, secret files with mode 0600 (created so, never widened
 * later), and a report for the terminal that names files and warnings but never a secret's value.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeWarning, type EngineExport } from './model.js';

/** The list of files the last export wrote into a folder: the next one removes those it no longer writes. */
export const MANIFEST = '.land-export.json';

/** Files a previous export listed in the folder's manifest (only names inside the folder). */
function previousFiles(outDir: string): string[] {
  try {
    const manifest = JSON.parse(readFileSync(path.join(outDir, MANIFEST), 'utf8')) as { files?: unknown };
    return Array.isArray(manifest.files) ? manifest.files.filter((name): name is string => typeof name === 'string' && !name.includes('..') && !path.isAbsolute(name)) : [];
  } catch {
    return [];
  }
}

/**
 * Writes every file; a secret file is created anew with mode 0600 (never a readable file written first). Files an
 * earlier export wrote into the same folder and this one does not (a tier the profile now gates off) are removed,
 * so installing `*.service` never installs a stale unit; other files in the folder are left alone.
 */
export function writeExport(result: EngineExport, outDir: string): string[] {
  mkdirSync(outDir, { recursive: true });
  const names = new Set(result.files.map((file) => file.name));
  for (const stale of previousFiles(outDir)) if (!names.has(stale)) rmSync(path.join(outDir, stale), { force: true });
  const written: string[] = [];
  for (const file of result.files) {
    const target = path.join(outDir, file.name);
    mkdirSync(path.dirname(target), { recursive: true });
    const mode = file.secret ? 0o600 : 0o644;
    if (file.secret && existsSync(target)) rmSync(target);
    writeFileSync(target, file.content, { mode });
    // An existing plain file keeps its old mode through writeFileSync, and the umask narrows a new one: set it.
    chmodSync(target, mode);
    written.push(target);
  }
  writeFileSync(path.join(outDir, MANIFEST), `${JSON.stringify({ engine: result.engine, files: [...names] }, null, 2)}\n`);
  return written;
}

/** What `land export` prints: the files (secret ones marked), each warning, and what to run next. */
export function describeExport(result: EngineExport, outDir: string, shown: (file: string) => string): string {
  const lines = [`land: exported ${result.engine} to ${shown(outDir)}:`];
  for (const file of result.files) lines.push(`  ${file.name}${file.secret ? '  (secrets, mode 0600)' : ''}`);
  for (const warning of result.warnings) lines.push(`land: warning: ${describeWarning(warning)}`);
  if (result.next.length > 0) lines.push('next, in that folder:', ...result.next.map((line) => `  ${line}`));
  return `${lines.join('\n')}\n`;
}
