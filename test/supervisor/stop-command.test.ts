/**
 * A stop command's output relayed into its tier's log (stop-command.ts) with a real process: a line longer than its
 * 8 KiB bound comes as marked fragments, each a line of its own, and no line of the log is an empty `[stop] `.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runStopCommand } from '../../src/supervisor/stop-command.js';
import { markedProcesses } from '../helpers/land.js';

const dir = mkdtempSync(join(tmpdir(), 'land-stop-command-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a stop command\'s output', () => {
  it('an over-long line ending in \\r\\n, its \\r ending a read past the bound: its last fragment comes, and no empty [stop] line', async () => {
    const go = join(dir, 'go');
    // 9 000 x's and the `\r` in one write (one read, past the 8 KiB bound); the `\n` once the first fragment is in
    // the log (the test makes `go` then): the `\n` starts a read of its own.
    const script = `process.stdout.write('x'.repeat(9000) + '\\r');
      const wait = setInterval(() => { if (require('fs').existsSync(${JSON.stringify(go)})) { clearInterval(wait); process.stdout.write('\\nafter\\n'); } }, 20);`;
    const bootId = `stop-command-test-${process.pid}`;
    const marks = { LAND_BOOT_ID: bootId };
    const written: Buffer[] = [];
    const run = runStopCommand({
      argv: [process.execPath, '-e', script],
      cwd: dir,
      env: { ...(process.env as Record<string, string>), ...marks },
      marks,
      deadline: performance.now() + 30_000,
      onLines: (_stream, block) => {
        written.push(...block.pieces);
        if (!existsSync(go)) writeFileSync(go, '');
      },
      onOverdue: () => undefined,
    });
    expect(await run.exited).toBeUndefined();
    await run.done;
    const log = Buffer.concat(written).toString('latin1');
    // The first fragment (all but the last x, the `\r` held back with it), the last (`x\r\n`), then `after`.
    expect(log).toBe(`[stop] ${'x'.repeat(8999)}\n[stop] x\r\n[stop] after\n`);
    expect(markedProcesses(bootId)).toEqual([]);
  }, 30_000);
});
