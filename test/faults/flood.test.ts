/**
 * Fault: a child that floods stdout with 300 MB. No line is lost or cut (in the log file and in land's own output),
 * land's memory stays bounded, and the control socket and the plain UI keep answering during the flood.
 */
import { createReadStream, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { land, landDone, makeProject, markedProcesses, removeProjects, waitUntil, type LandRun } from '../helpers/land.js';
import { cleanUp, http, status, tierOf } from '../control/helpers.js';
import { faultChild, procStatusKb, sleeper } from './support.js';

const runs: LandRun[] = [];
afterEach(() => cleanUp(runs));
afterAll(removeProjects);

const FLOOD_BYTES = 300 * 1024 * 1024;
const LINE_BYTES = 4096;
/** A generous behaviour bound on land's resident peak (it holds pipes instead of buffering). */
const MEMORY_BOUND_KB = 300 * 1024;

const PAD = 'x'.repeat(LINE_BYTES);
/** Line n of the flood, without its newline (see test/fixtures/fault-child.mjs). */
const floodLine = (n: number) => {
  const head = `L${n} `;
  return head + PAD.slice(0, LINE_BYTES - head.length - 1);
};

/** Checks numbered lines as they stream past: in order, none missing, none cut. Keeps only the first problem. */
class LineChecker {
  next = 0;
  problem: string | undefined;
  check(line: string): void {
    if (this.problem === undefined && line !== floodLine(this.next)) {
      this.problem = `line ${this.next} is cut, out of order or missing: ${JSON.stringify(line.slice(0, 40))}… (${line.length} chars)`;
    }
    this.next++;
  }
}

/** Streams a file line by line into `onLine` without holding it in memory. */
async function eachLine(file: string, onLine: (line: string) => void): Promise<void> {
  let carry = '';
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const lines = (carry + (chunk as string)).split('\n');
    carry = lines.pop()!;
    for (const line of lines) onLine(line);
  }
  if (carry !== '') onLine(carry);
}

describe('fault: a child that floods stdout', () => {
  it('300 MB: no line lost or cut in the log file or the printed output, memory bounded, status and the UI answer during the flood', async () => {
    const scratch = makeProject({ config: { tiers: {} } });
    const stopFile = join(scratch, 'stop-flooding');
    const dir = makeProject({
      config: {
        // One log file for the whole flood (rotation has its own test in bounded-output.test.ts).
        logs: { rotateBytes: 2 * FLOOD_BYTES },
        tiers: {
          flood: { command: faultChild('--flood-until', stopFile, '--line-bytes', LINE_BYTES), restart: { policy: 'never' } },
          calm: sleeper('calm'),
        },
      },
    });
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    // Read land's stdout as a stream: the flood's lines are checked and dropped, everything else is kept.
    const printed = new LineChecker();
    const floodPrefix = `${'flood'.padEnd('mountain'.length)} | `;
    let carry = '';
    run.proc.stdout!.removeAllListeners('data');
    run.proc.stdout!.on('data', (text: string) => {
      const lines = (carry + text).split('\n');
      carry = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith(`${floodPrefix}L`)) printed.check(line.slice(floodPrefix.length));
        else run.stdout += `${line}\n`;
      }
    });
    await run.waitFor(/calm: starting → ready/);
    const logFile = join(dir, '.land', 'logs', run.bootId, 'flood.log');
    const logSize = () => {
      try {
        return statSync(logFile).size;
      } catch {
        return 0;
      }
    };
    const landPid = run.proc.pid!;

    // During the flood: the socket answers, whole lines come back, a command is carried out and shown.
    await waitUntil(() => logSize() > 20 * 1024 * 1024, 60_000, 'the flood to be under way');
    const during = await status(dir);
    expect(tierOf(during, 'flood').state).toBe('ready');
    expect(tierOf(during, 'calm').state).toBe('ready');
    const health = await http({ socketPath: join(dir, '.land', 'run', 'land.sock') }, '/health');
    expect(JSON.parse(health.body)).toMatchObject({ ok: true, pid: landPid });
    const recent = await landDone(['logs', 'flood', '-n', '3'], dir);
    expect(recent.code).toBe(0);
    const recentLines = recent.stdout.trimEnd().split('\n');
    expect(recentLines).toHaveLength(3);
    for (const line of recentLines) expect(line).toBe(floodLine(Number(/^L(\d+) /.exec(line)?.[1])));
    expect((await landDone(['restart', 'calm'], dir)).code).toBe(0);
    expect(logSize()).toBeLessThan(FLOOD_BYTES); // all of that happened while the flood was still going

    await waitUntil(() => logSize() >= FLOOD_BYTES, 120_000, `${FLOOD_BYTES} bytes in the log`);
    writeFileSync(stopFile, '');
    const [, count] = await run.waitFor(/flood +\| flood done (\d+)/, 60_000);
    const hwmKb = procStatusKb(landPid, 'VmHWM');
    expect(hwmKb, `land's resident peak: ${Math.round(hwmKb / 1024)} MB`).toBeLessThan(MEMORY_BOUND_KB);
    expect(procStatusKb(landPid, 'VmRSS')).toBeLessThan(MEMORY_BOUND_KB);

    // Printed: every line, whole and in order; the UI showed the restart while the flood ran.
    expect(printed.problem).toBeUndefined();
    expect(printed.next).toBe(Number(count));
    const floodDoneAt = run.stdout.indexOf('flood done');
    expect(run.stdout.slice(0, floodDoneAt)).toMatch(/calm: spawned pid \d+ \(restart 1\)/);

    expect((await run.stop()).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);

    // The log file: the same lines, byte for byte.
    const logged = new LineChecker();
    let tail = '';
    await eachLine(logFile, (line) => (line.startsWith('L') ? logged.check(line) : (tail = line)));
    expect(logged.problem).toBeUndefined();
    expect(logged.next).toBe(Number(count));
    expect(tail).toBe(`flood done ${count}`);
    expect(statSync(logFile).size).toBeGreaterThanOrEqual(FLOOD_BYTES);
  }, 240_000); // its own waits allow up to 3 min on a loaded machine (the default 60 s ran out beside another flood)
});
