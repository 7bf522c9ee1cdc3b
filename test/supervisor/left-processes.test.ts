/**
 * What a stop gave up on is kept by identity: the start time the tree scan read when it found the process, not one
 * read later (by then the pid may be another process's, which the shutdown would then name).
 */
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { LeftProcesses } from '../../src/supervisor/left-processes.js';
import { readProc } from '../../src/supervisor/process-tree.js';

const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) process.kill(pid, 'SIGKILL');
});

function sleeper(): number {
  const child = spawn('sleep', ['300'], { stdio: 'ignore' });
  started.push(child.pid!);
  return child.pid!;
}

describe('LeftProcesses', () => {
  it('keeps a pid whose start time is still the one the scan read, with whether it refused the signal', () => {
    const pid = sleeper();
    const left = new LeftProcesses();
    left.add({ pids: [pid], denied: [pid], startTimes: { [pid]: readProc(pid)!.startTime } });
    expect(left.running()).toEqual({ pids: [pid], denied: [pid] });
  });

  it('does not keep a pid that is another process than the one the scan found (its start time differs)', () => {
    const pid = sleeper();
    const left = new LeftProcesses();
    const found = Number(readProc(pid)!.startTime) - 1;
    left.add({ pids: [pid], denied: [], startTimes: { [pid]: String(found) } });
    expect(left.running()).toEqual({ pids: [], denied: [] });
  });
});
