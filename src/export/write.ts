/**
 * Writing an export: every file into the output folder, secret files with mode 0600 (created so, never widened
 * later), and a report for the terminal that names files and warnings but never a secret's value.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeWarning, type EngineExport } from './model.js';

export function writeExport(result: EngineExport, outDir: string): string[] {
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  for (const file of result.files) {
    const target = path.join(outDir, file.name);
    mkdirSync(path.dirname(target), { recursive: true });
    const mode = file.secret ? 0o600 : 0o644;
    writeFileSync(target, file.content, { mode });
    // An existing file keeps its mode through writeFileSync: set it, so a secret file is never left readable.
    chmodSync(target, mode);
    written.push(target);
  }
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
