/** When the machine has a core to spare for mountain's telemetry libraries (src/telemetry/spare-core.ts). */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cgroupCpu, limitingCgroup, ownCgroup, ownCgroupV1, parseCfs, parseCpuMax, parseCpuStat } from '../../src/telemetry/cgroup-cpu.js';
import { parseProcStat, SpareCore } from '../../src/telemetry/spare-core.js';

/** No CPU quota (the machine's cgroup, if it has one, is left out of the readings' tests). */
const noQuota = () => undefined;

/** A reader handing out the given readings in turn (idle and total ticks of a machine with `cores`). */
function readings(cores: number, ...ticks: Array<[idle: number, total: number] | undefined>) {
  let next = 0;
  return () => {
    const reading = ticks[next++];
    return reading && { idle: reading[0], total: reading[1], cores };
  };
}

describe('SpareCore', () => {
  it('reads /proc/stat: idle and iowait as idle, every core counted', () => {
    const text = 'cpu  100 5 50 800 20 1 2 3 7 0\ncpu0 50 2 25 400 10 0 1 1 3 0\ncpu1 50 3 25 400 10 1 1 2 4 0\nintr 1 2\n';
    expect(parseProcStat(text)).toEqual({ idle: 820, total: 981, cores: 2 });
    expect(parseProcStat('intr 1 2\n')).toBeUndefined();
    expect(parseProcStat('cpu  1 2 x 4 5 6 7 8\n')).toBeUndefined();
    const real = parseProcStat(readFileSync('/proc/stat', 'latin1'));
    expect(real?.cores).toBe(cpus().length);
    expect(real!.total).toBeGreaterThan(real!.idle);
  });

  it('spares a core when one was idle since the last ask (half of a single core); the first ask only reads', () => {
    const two = new SpareCore(readings(2, [0, 0], [50, 100], [90, 200], [90, 200]), noQuota);
    expect(two.spare()).toBeUndefined();
    expect(two.spare()).toBe(true); // half of two cores idle: one core
    expect(two.spare()).toBe(false); // 40 of 100 ticks idle: 0.8 of a core
    expect(two.spare()).toBeUndefined(); // no tick in between: nothing to go by
    const one = new SpareCore(readings(1, [0, 0], [50, 100], [90, 200]), noQuota);
    one.spare();
    expect(one.spare()).toBe(true);
    expect(one.spare()).toBe(false);
  });

  it('where /proc/stat cannot be read, there is always one to spare', () => {
    expect(new SpareCore(readings(2, undefined), noQuota).spare()).toBe(true);
  });

  it('a machine whose every core is busy spares none', async () => {
    const burners: ChildProcess[] = [];
    try {
      for (let core = 0; core < cpus().length; core += 1) {
        burners.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      const machine = new SpareCore();
      expect(machine.spare()).toBeUndefined();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(machine.spare()).toBe(false);
    } finally {
      for (const burner of burners) burner.kill('SIGKILL');
    }
  });
});

/** A cgroup v2 tree in a temp dir: `files` maps a path under it to its text. */
function cgroupTree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'land-cgroup-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

const CPU_STAT = (usec: number) => `usage_usec ${usec}\nuser_usec ${Math.floor(usec / 2)}\nsystem_usec ${Math.ceil(usec / 2)}\nnr_periods 0\n`;

describe('a cgroup v2 CPU quota', () => {
  it('reads cpu.max (quota / period, none for max), cpu.stat (usage_usec) and the own cgroup from /proc/self/cgroup', () => {
    expect(parseCpuMax('150000 100000\n')).toBe(1.5);
    expect(parseCpuMax('max 100000\n')).toBeUndefined();
    expect(parseCpuMax('')).toBeUndefined();
    expect(parseCpuStat(CPU_STAT(12345))).toBe(12345);
    expect(parseCpuStat('user_usec 5\n')).toBeUndefined();
    expect(ownCgroup('0::/system.slice/app.service\n')).toBe('/system.slice/app.service');
    expect(ownCgroup('4:memory:/x\n1:cpu:/\n0::/\n')).toBe('/');
    expect(ownCgroup('4:memory:/x\n1:cpu:/\n')).toBe('/'); // cgroup v1 only
    expect(ownCgroup(undefined)).toBe('/');
  });

  it('takes the tightest cpu.max from the own cgroup up to the root, and reads that cgroup\'s usage', () => {
    const root = cgroupTree({
      'cpu.max': '200000 100000\n',
      'cpu.stat': CPU_STAT(900),
      'app/cpu.max': '50000 100000\n',
      'app/cpu.stat': CPU_STAT(700),
      'app/land/cpu.max': 'max 100000\n',
      'app/land/cpu.stat': CPU_STAT(500),
    });
    try {
      expect(limitingCgroup(root, '/app/land')).toEqual({ dir: path.join(root, 'app'), cores: 0.5 });
      expect(cgroupCpu(root, '/app/land')()).toMatchObject({ usageUsec: 700, cores: 0.5 });
      // At the root (a container's own cgroup namespace), and from a path that is not there or climbs out of it.
      expect(cgroupCpu(root, '/')()).toMatchObject({ usageUsec: 900, cores: 2 });
      expect(limitingCgroup(root, '/docker/0123abc')).toEqual({ dir: root, cores: 2 });
      expect(limitingCgroup(root, '/../..')).toEqual({ dir: root, cores: 2 });
      writeFileSync(path.join(root, 'cpu.max'), '25000 100000\n');
      expect(limitingCgroup(root, '/app/land')).toEqual({ dir: root, cores: 0.25 });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('under cgroup v1: the tightest cpu.cfs_quota_us / cpu.cfs_period_us of the cpu hierarchy, and its cpuacct.usage', () => {
    const root = cgroupTree({
      'cpu,cpuacct/cpu.cfs_quota_us': '-1\n',
      'cpu,cpuacct/cpu.cfs_period_us': '100000\n',
      'cpu,cpuacct/docker/abc/cpu.cfs_quota_us': '150000\n',
      'cpu,cpuacct/docker/abc/cpu.cfs_period_us': '100000\n',
      'cpu,cpuacct/docker/abc/cpuacct.usage': '7000000\n',
    });
    const self = '12:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n1:name=systemd:/docker/abc\n';
    try {
      expect(ownCgroupV1(self)).toBe('/docker/abc');
      expect(ownCgroupV1('3:cpuset:/x\n0::/\n')).toBeUndefined();
      expect(parseCfs('-1', '100000')).toBeUndefined();
      // v2 finds no quota under this root (no cpu.max): v1's is read, its usage in µs.
      expect(cgroupCpu(root, '/docker/abc', self)()).toMatchObject({ usageUsec: 7000, cores: 1.5 });
      // A v1 host with no quota on the way up: nothing to read.
      writeFileSync(path.join(root, 'cpu,cpuacct/docker/abc/cpu.cfs_quota_us'), '-1\n');
      expect(cgroupCpu(root, '/docker/abc', self)()).toBeUndefined();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('no quota, or no cgroup v2 at all: nothing to read, and the machine alone decides', () => {
    const root = cgroupTree({ 'cpu.max': 'max 100000\n', 'cpu.stat': CPU_STAT(1), 'app/cpu.max': 'max 100000\n' });
    try {
      expect(cgroupCpu(root, '/app')()).toBeUndefined();
      expect(cgroupCpu(path.join(root, 'missing'), '/')()).toBeUndefined();
      const spare = new SpareCore(readings(2, [0, 0], [100, 100]), cgroupCpu(root, '/app'));
      expect(spare.spare()).toBeUndefined();
      expect(spare.spare()).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('an idle host spares no core while the quota is used up, and one once the quota is unused', async () => {
    const root = cgroupTree({ 'cpu.max': '200000 100000\n', 'cpu.stat': CPU_STAT(0) });
    let ticks = 0;
    // Every core of the host idle at every read.
    const idleHost = () => ((ticks += 100), { idle: ticks, total: ticks, cores: 8 });
    try {
      const spare = new SpareCore(idleHost, cgroupCpu(root, '/'));
      expect(spare.spare()).toBeUndefined();
      await new Promise((resolve) => setTimeout(resolve, 20));
      // Far more CPU than two cores can run in the time between the reads: the quota is used up.
      writeFileSync(path.join(root, 'cpu.stat'), CPU_STAT(60_000_000));
      expect(spare.spare()).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 20));
      // No use since: both cores of the quota idle.
      expect(spare.spare()).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
