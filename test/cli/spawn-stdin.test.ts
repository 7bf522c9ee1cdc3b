/**
 * `land spawn <tier>` with no stack running and a `stdin: true` tier: land's own stdin is the tier's (piped through
 * the supervisor's writeStdin), and its end is the tier's end of input. Real land, real pipes.
 */
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { LAND_BIN, makeProject, removeProjects } from '../helpers/land.js';

afterAll(() => removeProjects());

/** `land spawn <tier>` with `input` written to its stdin, then its stdin ended. */
function spawnWithInput(dir: string, tier: string, input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawn(process.execPath, [LAND_BIN, 'spawn', tier], { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  proc.stdin.on('error', () => undefined);
  proc.stdin.end(input);
  return new Promise((resolve) => proc.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('land spawn and a stdin: true tier', () => {
  it("pipes land's own stdin to the tier, its end the tier's end of input", { timeout: 60_000 }, async () => {
    const dir = makeProject({
      config: {
        tiers: {
          // Reads to the end of its input: without land's stdin handed on, it would wait forever.
          ask: { command: ['sh', '-c', 'while read -r line; do echo "got $line"; done; echo "input ended"'], stdin: true },
        },
      },
    });
    const result = await spawnWithInput(dir, 'ask', 'first\nsecond\n');
    expect(result.stdout, result.stderr).toMatch(/ask +\| got first\n[^]*ask +\| got second\n[^]*ask +\| input ended/);
    expect(result.code, result.stderr).toBe(0);
  });

  it('a tier slower than its input: land waits for the supervisor to say its stdin drained, and every byte arrives', { timeout: 90_000 }, async () => {
    // 2 MiB is eight times what land queues for a tier (256 KiB): the relay is refused `stdin-full` many times, and
    // goes on only at the `stdin-drained` events. The tier reads nothing for a second, then counts.
    const dir = makeProject({ config: { tiers: { slow: { command: ['sh', '-c', 'sleep 1; echo "counted $(wc -c)"'], stdin: true } } } });
    const result = await spawnWithInput(dir, 'slow', 'y'.repeat(2 * 1024 * 1024));
    expect(result.stdout, result.stderr).toMatch(/slow +\| counted 2097152\n/);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain("no longer gets land's");
  });

  it('a tier that closes its stdin early: the rest is dropped by its code (stdin-closed), quietly, and the tier ends as it would', { timeout: 60_000 }, async () => {
    // head reads one line and exits; the tier goes on without a stdin: land's later writes meet EPIPE.
    const dir = makeProject({ config: { tiers: { one: { command: ['sh', '-c', 'head -n 1; exec 0<&-; sleep 1; echo "one done"'], stdin: true } } } });
    const result = await spawnWithInput(dir, 'one', `first\n${'more\n'.repeat(100_000)}`);
    expect(result.stdout, result.stderr).toMatch(/one +\| first\n[^]*one +\| one done/);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain("no longer gets land's");
  });

  it('a tier without stdin: true keeps /dev/null: land does not read its stdin for it', { timeout: 60_000 }, async () => {
    const dir = makeProject({ config: { tiers: { quiet: { command: ['sh', '-c', 'cat; echo "read nothing"'] } } } });
    const result = await spawnWithInput(dir, 'quiet', 'never seen\n');
    expect(result.stdout, result.stderr).toMatch(/quiet +\| read nothing/);
    expect(result.stdout).not.toContain('never seen');
    expect(result.code, result.stderr).toBe(0);
  });
});
