/**
 * A land command ends with part of its output still queued for a slow pipe: bin/land.js waits until stdout has
 * taken it all, then exits with the command's own code. 'drain' comes only after a write past the high-water mark;
 * with less than that queued behind a full pipe the wait never ended, node's loop ran dry and the exit code was 13
 * (an unsettled top-level await) instead of the command's.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { child, land, LAND_BIN, makeProject, removeProjects, waitUntil } from '../helpers/land.js';

afterAll(removeProjects);

const LINES = 800;

describe('stdout queued behind a full pipe when a command ends', () => {
  it('is written whole, and land exits with the command’s code', { timeout: 60_000 }, async () => {
    // 800 lines of ~91 bytes: a 64 KiB pipe fills, and ~8 KB (less than the 16 KiB high-water mark) wait in land.
    const dir = makeProject({ config: { tiers: { f: { command: child('--flood', LINES), restart: { policy: 'never' } } } } });
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/f +\| flood done/);
    // The reader takes one byte (the follower has attached), then reads nothing until `go` exists.
    const script =
      `"${process.execPath}" "${LAND_BIN}" logs f -f | { dd bs=1 count=1 of=first 2>/dev/null; ` +
      'while [ ! -e go ]; do sleep 0.05; done; cat > rest; }; echo "${PIPESTATUS[0]}" > code';
    const reader = spawn('bash', ['-c', script], { cwd: dir, stdio: 'ignore' });
    const done = new Promise((resolve) => reader.once('close', resolve));
    // dd makes `first` when it starts, before a byte has come: its byte is what says the follower attached (waiting
    // for the file alone let a follower slow to start under load connect while the stack was shutting down).
    await waitUntil(() => existsSync(join(dir, 'first')) && statSync(join(dir, 'first')).size === 1, 20_000, 'the follower attached');
    // Until the follower has taken what it can (the pipe full, ~8 KB queued in it): `rest` then holds what had to wait.
    await new Promise((resolve) => setTimeout(resolve, 500));
    // The stack stops: the follower's stream ends while its last lines still wait for the pipe.
    expect((await run.stop()).code).toBe(0);
    writeFileSync(join(dir, 'go'), '');
    await done;
    expect(readFileSync(join(dir, 'code'), 'utf8').trim()).toBe('0');
    const flood = Array.from({ length: LINES }, (_, i) => `f line ${i} ${'x'.repeat(80)}\n`).join('');
    const expected = `${flood}flood done\ngot SIGTERM, exiting\n`; // and what the child says as it stops
    expect(readFileSync(join(dir, 'first'), 'utf8') + readFileSync(join(dir, 'rest'), 'utf8')).toBe(expected);
  });
});
