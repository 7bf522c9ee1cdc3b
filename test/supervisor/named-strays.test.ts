/** The strays a daemon tier's failed starts named: bounded, kept only while the same process runs, named escaped. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { commandName } from '../../src/supervisor/daemon-strays.js';
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

  it("escapes control characters in a stray's command name where it is read, so every line that prints it shows it escaped", async () => {
    // A shell that sets its own command name (what prctl would), says so, then waits on a builtin (no child of its own
    // to leave behind): the name is the shell's.
    const child = spawn('sh', ['-c', "printf 'ev\\033[2Kil\\177' > /proc/self/comm && echo set && read line"], { stdio: ['pipe', 'pipe', 'ignore'] });
    children.push(child);
    await once(child.stdout!, 'data');
    const name = commandName(child.pid!);
    expect(name).toBe('ev\\x1b[2Kil\\x7f');
    expect(name).not.toMatch(/[\x00-\x1f\x7f]/);
  });

  it('escapes a C1 control too (U+009B, a CSI of its own to a terminal that reads C1 controls)', async () => {
    const child = spawn('sh', ['-c', "printf 'ev\\302\\2332Kil' > /proc/self/comm && echo set && read line"], { stdio: ['pipe', 'pipe', 'ignore'] });
    children.push(child);
    await once(child.stdout!, 'data');
    expect(commandName(child.pid!)).toBe('ev\\x9b2Kil');
  });
});
