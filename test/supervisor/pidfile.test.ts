/**
 * The pid file's check of a recorded land: a zombie (dead, not yet reaped by its parent) is no land running, whoever
 * its parent is (a background land outlives its `land up -d`, and a pid 1 without an init does not reap); a pid file
 * that is not a record land wrote is no record.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { liveLand, pidPath, readPidFile } from '../../src/supervisor/pidfile.js';
import { readProc } from '../../src/supervisor/process-tree.js';
import { claimStack } from '../../src/supervisor/stack-claim.js';
import { waitUntil } from '../helpers/land.js';

const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) process.kill(pid, 'SIGKILL');
});

/** The children of `parent`, by their /proc stat. */
function childrenOf(parent: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => readProc(pid)?.ppid === parent);
}

describe('liveLand', () => {
  it('a zombie with the recorded start time is no live land; the live process is', async () => {
    // sh starts `sleep 0.1`, then becomes `sleep 5`, which never reaps it: a zombie on purpose, on any init.
    const holder = spawn('sh', ['-c', 'sleep 0.1 & exec sleep 5'], { stdio: 'ignore' });
    started.push(holder.pid!);
    let zombie = 0;
    await waitUntil(() => {
      zombie = childrenOf(holder.pid!).find((pid) => readProc(pid)?.state === 'Z') ?? 0;
      return zombie > 0;
    }, 10_000, 'a zombie');
    expect(readFileSync(`/proc/${zombie}/stat`, 'latin1')).toMatch(/\) Z /);
    const record = (pid: number) => ({ pid, startTime: readProc(pid)!.startTime, bootId: 'b' });
    expect(liveLand(record(zombie))).toBeUndefined();
    expect(liveLand(record(holder.pid!))?.pid).toBe(holder.pid);
  });
});

describe('a pid file that is not a record', () => {
  it('holding null, {} or a pid that is no positive integer: no record, and the stack is claimed over it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'land-pidfile-'));
    try {
      const file = pidPath(root);
      mkdirSync(join(root, '.land', 'run'), { recursive: true });
      for (const text of ['null', '{}', '{"pid":-1,"startTime":"1","bootId":"b"}', '{"pid":1,"startTime":1,"bootId":"b"}']) {
        writeFileSync(file, text, { mode: 0o600 });
        expect(await claimStack(root, 'new-boot'), text).toEqual({ dead: undefined, reaped: 0 });
        expect(readPidFile(file)).toMatchObject({ pid: process.pid, bootId: 'new-boot' });
        writeFileSync(file, text, { mode: 0o600 });
        expect(readPidFile(file), text).toBeUndefined();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('a record of another pid namespace (a land in a container, read from the host)', () => {
  // The host's own process: its pid, recorded in another namespace, must not make it the stack's land here.
  const elsewhere = (extra: object) => ({ pid: process.ppid, startTime: readProc(process.ppid)!.startTime, pidNs: 'pid:[1]', bootId: 'b', ...extra });

  it('is never judged live by its pid, even when that pid runs here with that start time', () => {
    expect(liveLand(elsewhere({}))).toBeUndefined();
    expect(liveLand({ ...elsewhere({}), pidNs: readlinkSync('/proc/self/ns/pid') })?.pid).toBe(process.ppid);
  });

  it('not booting and its socket gone: claimed over as a land that died; booting: refused, it cannot be told', async () => {
    const root = mkdtempSync(join(tmpdir(), 'land-pidfile-'));
    try {
      const file = pidPath(root);
      mkdirSync(join(root, '.land', 'run'), { recursive: true, mode: 0o700 });
      writeFileSync(file, JSON.stringify(elsewhere({})), { mode: 0o600 });
      expect(await claimStack(root, 'new-boot')).toEqual({ dead: elsewhere({}), reaped: 0 });
      writeFileSync(file, JSON.stringify(elsewhere({ booting: true })), { mode: 0o600 });
      await expect(claimStack(root, 'newer-boot')).rejects.toThrow(/another pid namespace .*cannot be checked from this namespace/);
      expect(readPidFile(file)).toEqual(elsewhere({ booting: true }));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
