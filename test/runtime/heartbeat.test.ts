// land's heartbeat (src/runtime/heartbeat.ts): every watch on it runs in one wake-up a second, not one each.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { HEARTBEAT_MS, onHeartbeat } from '../../src/runtime/heartbeat.js';

// Side by side: each test watches its own beats on the one heartbeat (a beat of another test's in the same wake-up
// changes none of what these check). The throwing beat runs in a process of its own.
describe.concurrent('the heartbeat', () => {
  it('runs watches started apart in the same wake-up, and none once stopped', async () => {
    // `first` marks the wake-up it runs in until the loop's check phase (setImmediate): a beat that sees the mark ran in
    // the same timer callback, where a timer of its own, started 300 ms later, would wake the process again.
    let marked = false;
    const seen: boolean[] = [];
    let firstBeats = 0;
    const stopFirst = onHeartbeat(() => {
      firstBeats++;
      marked = true;
      setImmediate(() => (marked = false));
    });
    await sleep(300);
    const stopSecond = onHeartbeat(() => seen.push(marked));
    await sleep(HEARTBEAT_MS * 3 + 200);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.every(Boolean), JSON.stringify(seen)).toBe(true);

    // One stopped, the other goes on; both stopped, nothing runs.
    stopSecond();
    const secondSeen = seen.length;
    const firstBefore = firstBeats;
    await sleep(HEARTBEAT_MS + 200);
    expect(seen.length).toBe(secondSeen);
    expect(firstBeats).toBeGreaterThan(firstBefore);
    stopFirst();
    const firstAtStop = firstBeats;
    await sleep(HEARTBEAT_MS + 200);
    expect(firstBeats).toBe(firstAtStop);
  }, 20_000);

  it('keeps the same function registered twice as two beats, each with its own stop', async () => {
    let count = 0;
    const beat = (): void => void count++;
    const stopOne = onHeartbeat(beat);
    const stopOther = onHeartbeat(beat);
    stopOne();
    await sleep(HEARTBEAT_MS * 2 + 200);
    stopOther();
    expect(count).toBeGreaterThanOrEqual(1);
  }, 20_000);

  it('runs every beat when one throws, then throws its error as a timer would', async () => {
    // In a process of its own: the error must reach uncaughtException (land's handler stops the stack), which
    // vitest would otherwise take for this test's own failure.
    // Built and run without blocking this process: the tests beside it count its heartbeat's wake-ups.
    const module = (
      await build({
        entryPoints: [fileURLToPath(new URL('../../src/runtime/heartbeat.ts', import.meta.url))],
        bundle: true,
        write: false,
        format: 'esm',
        platform: 'node',
      })
    ).outputFiles[0]!.text;
    const script = `${module}
      const ran = [];
      process.on('uncaughtException', (error) => { console.log(JSON.stringify({ ran, error: error.message })); process.exit(0); });
      onHeartbeat(() => { ran.push('first'); throw new Error('first beat failed'); });
      onHeartbeat(() => ran.push('second'));
      setTimeout(() => {}, 5000);`;
    const result = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 15_000 });
    expect(JSON.parse(result.stdout)).toEqual({ ran: ['first', 'second'], error: 'first beat failed' });
  }, 20_000);
});

// Alone, after the others: that the heartbeat starts again after every beat has stopped needs no other test's beat.
describe('the heartbeat, alone', () => {
  it('lets a beat stop itself while the beats run, and starts again after everything stopped', async () => {
    let once = 0;
    const stopOnce: () => void = onHeartbeat(() => {
      once++;
      stopOnce();
    });
    let again = 0;
    await sleep(HEARTBEAT_MS * 2 + 200);
    expect(once).toBe(1);
    const stopAgain = onHeartbeat(() => again++);
    await sleep(HEARTBEAT_MS + 200);
    stopAgain();
    expect(again).toBeGreaterThanOrEqual(1);
  }, 20_000);
});
