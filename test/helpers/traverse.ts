/**
 * A test that runs land as another user (nobody) needs it to reach land's own files: a checkout under a 0700 folder
 * (mktemp -d, say) keeps it out. The folders on the way get the search bit for others while the test runs; the
 * returned function gives them their modes back.
 *
 * Several test files do this for the same checkout at once (vitest's workers are processes): one file's restore
 * took the bit from another still running as nobody (CI saw code-cache's land not find bin/land.js). So holders are
 * counted across processes, a file each in a folder per path, and only the last one restores; the modes restored
 * are those the first holder recorded before any change.
 */
import { createHash, randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isAlive } from './land.js';

export function letOthersTraverse(path: string): () => void {
  const holders = join(tmpdir(), 'land-test-traverse', createHash('sha256').update(path).digest('hex').slice(0, 16));
  mkdirSync(holders, { recursive: true });
  const me = join(holders, `holder-${process.pid}-${randomUUID()}`);
  writeFileSync(me, '');
  const closed: Array<[string, number]> = [];
  for (let folder = path; folder !== dirname(folder); folder = dirname(folder)) {
    const mode = statSync(folder).mode & 0o7777;
    if ((mode & 0o001) === 0) closed.push([folder, mode]);
  }
  const record = join(holders, 'modes.json');
  try {
    writeFileSync(record, JSON.stringify(closed), { flag: 'wx' });
  } catch {
    // Another holder recorded the modes first (before its change): its record stands.
  }
  for (const [folder, mode] of closed) chmodSync(folder, mode | 0o001);
  return () => {
    rmSync(me, { force: true });
    const others = readdirSync(holders).filter((name) => name.startsWith('holder-') && isAlive(Number(name.split('-')[1])));
    if (others.length > 0) return;
    for (const [folder, mode] of JSON.parse(readFileSync(record, 'utf8')) as Array<[string, number]>) chmodSync(folder, mode);
    rmSync(holders, { recursive: true, force: true });
  };
}
