/**
 * land in a container: run as pid 1 of its own pid namespace (`unshare --pid --mount-proc`, as docker does without
 * --init), its folder shared with the host. The host's `land up`, `land status` and `land down` must not judge that
 * land by its pid (1 there is the host's init here), nor reap its tiers; as pid 1, `land up -d` is refused and an
 * early SIGTERM is not lost. Needs root and unshare(1): checked, and failed loudly without (CI runs as root).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isAlive, LandRun, landDone, makeProject, markedProcesses, removeProjects, waitUntil } from '../helpers/land.js';

/** The land is pid 1 of a new pid namespace; killed with unshare (--kill-child) if a test fails half-way. */
const IN_NAMESPACE = ['unshare', '--pid', '--mount-proc', '--kill-child'];
const READY_TIER = { command: ['sh', '-c', 'echo ready; exec sleep 1000'], ready: { log: 'ready' } };

function requireRootAndUnshare(): void {
  const unshare = (() => {
    try {
      return execFileSync('sh', ['-c', 'command -v unshare'], { encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  })();
  if (process.getuid?.() !== 0 || unshare === '') throw new Error('these tests need root and unshare(1) (util-linux): run them as root');
}

const inNamespace = (args: string[], cwd: string) => new LandRun(args, { cwd, launcher: IN_NAMESPACE });

/** The host's pid of the land unshare forked (pid 1 in its namespace). */
async function landPidOf(run: LandRun): Promise<number> {
  const children = `/proc/${run.proc.pid}/task/${run.proc.pid}/children`;
  let pid = 0;
  await waitUntil(() => (pid = Number(readFileSync(children, 'utf8').trim().split(' ')[0])) > 0, 20_000, 'the namespaced land');
  return pid;
}

const pidFile = (dir: string) => join(dir, '.land', 'run', 'land.pid');

beforeAll(requireRootAndUnshare);
afterEach(removeProjects);

describe('a stack whose land runs in another pid namespace, from the host', () => {
  it('land up is refused without reaping, a second container is refused too, status says whose pids, down waits for the socket', async () => {
    const dir = makeProject({ config: { app: 'ns', tiers: { web: READY_TIER } } });
    const inside = inNamespace(['up', '--no-tui', '--no-dashboard'], dir);
    try {
      await inside.waitFor(/web: starting → ready/, 30_000);
      expect(inside.stderr).toMatch(/^land: running as pid 1: orphaned processes of the tiers are never reaped .*docker run --init, tini$/m);
      const record = JSON.parse(readFileSync(pidFile(dir), 'utf8')) as { pid: number; pidNs?: string };
      expect(record.pid).toBe(1);
      expect(record.pidNs).toMatch(/^pid:\[\d+\]$/);
      expect(record.pidNs).not.toBe(readlinkSync('/proc/self/ns/pid'));
      const tiers = markedProcesses(inside.bootId);
      expect(tiers.length).toBeGreaterThan(0);

      // Before: "reaped 1 process(es) left by a land that died (pid 1 …)", the stack's tiers SIGKILLed.
      const up = await landDone(['up', '--no-tui', '--no-dashboard'], dir);
      expect(up.code).toBe(4);
      expect(up.stderr).toMatch(/already running this stack in another pid namespace/);
      expect(up.stderr).not.toMatch(/reaped \d/);
      // A second container on the same folder: its land is pid 1 too (the record's pid was taken for its own).
      const second = inNamespace(['up', '--no-tui', '--no-dashboard'], dir);
      expect((await second.exited).code).toBe(4);
      expect(second.stderr).not.toMatch(/reaped \d/);
      expect(tiers.every(isAlive)).toBe(true);
      expect(JSON.parse(readFileSync(pidFile(dir), 'utf8'))).toEqual(record);

      const status = await landDone(['status'], dir);
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/land pid 1 \(pids of another pid namespace\)/);

      // Before: it waited 30 s on the host's own pid 1 and said "may be hung", exit 5.
      const down = await landDone(['down'], dir);
      expect(down.stderr).not.toMatch(/hung/);
      expect(down.stderr).toMatch(/another pid namespace/);
      expect(down).toMatchObject({ code: 0, stdout: expect.stringMatching(/stack stopped/) });
      expect((await inside.exited).code).toBe(0);
      expect(tiers.some(isAlive)).toBe(false);
    } finally {
      await inside.stop('SIGKILL');
    }
  }, 120_000);

  it('a record of another namespace that says it is booting, with no socket: refused, saying it cannot be told; kept', async () => {
    const dir = makeProject({ config: { tiers: { web: READY_TIER } } });
    const record = { pid: 1, startTime: '999999999999', pidNs: 'pid:[1]', bootId: '20261208T000000000Z-000000', booting: true };
    execFileSync('sh', ['-c', `mkdir -p .land/run && chmod 700 .land .land/run && printf '%s\\n' '${JSON.stringify(record)}' > .land/run/land.pid && chmod 600 .land/run/land.pid`], { cwd: dir });
    const up = await landDone(['up', '--no-tui', '--no-dashboard'], dir);
    expect(up.code).toBe(4);
    expect(up.stderr).toMatch(/in another pid namespace \(a container: pid 1 there, .*cannot be checked from this namespace; if no land runs there, remove \.land\/run\/land\.pid/);
    expect(JSON.parse(readFileSync(pidFile(dir), 'utf8'))).toEqual(record);
  }, 60_000);
});

describe('land as pid 1', () => {
  it('land up -d is refused in one line, exit 2, nothing started', async () => {
    const dir = makeProject({ config: { tiers: { web: READY_TIER } } });
    const up = inNamespace(['up', '-d', '--no-dashboard'], dir);
    const exit = await up.exited;
    expect(exit.code).toBe(2);
    expect(up.stderr.trim()).toMatch(/^land: -d\/--background: land is pid 1 here .*run `land up` in the foreground$/);
    expect(existsSync(pidFile(dir))).toBe(false);
  }, 60_000);

  it("an early SIGTERM (before the stack's handlers: while the config loads) ends the start", async () => {
    // A config that takes seconds to load: the SIGTERM comes while it loads, long before the stack's handlers.
    const config = `const end = Date.now() + 3000; while (Date.now() < end);\nexport default ${JSON.stringify({ tiers: { web: READY_TIER } })};\n`;
    const dir = makeProject({ config: {}, files: { 'land.config.mjs': config } });
    const inside = inNamespace(['up', '--no-tui', '--no-dashboard'], dir);
    try {
      const pid = await landPidOf(inside);
      // The folder claimed: bin/land.js has run, the config is being loaded.
      await waitUntil(() => existsSync(pidFile(dir)), 20_000, 'the claim');
      process.kill(pid, 'SIGTERM');
      // Without a listener the kernel drops it (pid 1), and land ran on.
      const exit = await Promise.race([inside.exited, sleep(45_000, 'still running' as const)]);
      expect(exit, inside.output).not.toBe('still running');
      expect(inside.output).toMatch(/SIGTERM/);
    } finally {
      await inside.stop('SIGKILL');
    }
  }, 90_000);
});
