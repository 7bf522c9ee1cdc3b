/** The strays a daemon tier's failed starts named: bounded, kept only while the same process runs, printed escaped. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { describeStrays } from '../../src/supervisor/left-behind.js';
import { addStrays, MAX_NAMED_STRAYS, type KnownStray } from '../../src/supervisor/named-strays.js';
import { readProc } from '../../src/supervisor/process-tree.js';

const children: Array<ReturnType<typeof spawn>> = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

function sleeper() {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  children.push(child);
  return { child, stray: { pid: child.pid!, startTime: readProc(child.pid!)!.startTime, name: 'sleep' } };
}

describe('named strays', () => {
  it('drops an entry once its process is gone, keeps a running one, and adds each process once', async () => {
    const gone = sleeper();
    const running = sleeper();
    const known: KnownStray[] = [];
    addStrays(known, [gone.stray, running.stray]);
    expect(known.map(({ pid }) => pid)).toEqual([gone.stray.pid, running.stray.pid]);
    gone.child.kill('SIGKILL');
    await once(gone.child, 'exit');
    addStrays(known, [running.stray]);
    expect(known).toEqual([running.stray]);
  });

  it(`keeps at most ${MAX_NAMED_STRAYS}, the newest`, () => {
    const { stray } = sleeper();
    const known: KnownStray[] = [];
    // The same running process under made-up start times stands for many different ones (only the first is real).
    const found = Array.from({ length: MAX_NAMED_STRAYS + 8 }, (_, i) => ({ ...stray, startTime: i === 0 ? stray.startTime : `x${i}` }));
    addStrays(known, found);
    expect(known).toHaveLength(MAX_NAMED_STRAYS);
    expect(known.at(-1)!.startTime).toBe(`x${MAX_NAMED_STRAYS + 7}`);
    // Made-up ones are not the same process: the next addition drops them.
    addStrays(known, []);
    expect(known).toEqual([]);
  });

  it("escapes control characters in a stray's command name", () => {
    const [line] = describeStrays([{ tier: 'db', pid: 42, name: 'evil\x1b[2K\nok' }]);
    expect(line).toMatch(/^pid 42 \(evil\\x1b\[2K\\nok\), which/);
    expect(line).not.toMatch(/[\x00-\x1f]/);
  });
});
