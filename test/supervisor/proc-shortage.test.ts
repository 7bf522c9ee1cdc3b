/**
 * /proc read while land is out of file descriptors (src/supervisor/proc-scan.ts): a read refused for want of them is
 * no answer. A stop of a tree found by its mark alone (a process that left its group) goes on until the process is
 * read and killed, instead of taking a listing that could not read it for "nothing left". Real: a node process under
 * `ulimit -n 64` that opens files up to its limit, a real marked process, descriptors freed half a second later.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/land.js';

describe('a stop while land is out of file descriptors', () => {
  it('does not take an unreadable process for gone: it is found and killed once descriptors are back', () => {
    const fixture = join(ROOT, 'test', 'fixtures', 'fd-starved-stop.mjs');
    const run = spawnSync('bash', ['-c', 'ulimit -n 64; exec node "$0" "$1"', fixture, ROOT], { encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    const seen = JSON.parse(run.stdout) as { pid: number; result: { pids: number[] }; alive: boolean };
    expect(seen.result.pids).toEqual([]);
    expect(seen.alive).toBe(false);
  }, 90_000);
});
