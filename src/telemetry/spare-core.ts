/**
 * Whether the machine has a core to spare: mountain loads its telemetry libraries (≈ 90 ms of parsing) only then, so
 * that they never take a core from children that are still starting. A fixed delay after the first wave did not say
 * it: 64 Node children on two cores were still booting seconds after every tier counted as ready (a tier without a
 * probe is ready after 150 ms of uptime), and the load then added ≈ 20 % to land's CPU until they had connected.
 * Read from /proc/stat's first line (every core's ticks, one small read); where there is none, there is always one.
 * Under a cgroup CPU quota (v2 or v1) (a container's `--cpus`), the quota must have a core to spare too (cgroup-cpu.ts):
 * an idle host says nothing of a container that has used up its share.
 */
import { cgroupCpu, readText, type QuotaReading } from './cgroup-cpu.js';

interface Ticks {
  idle: number;
  total: number;
  cores: number;
}

/** /proc/stat's `cpu` line: user nice system idle iowait irq softirq steal (guest is inside user). */
export function parseProcStat(text: string): Ticks | undefined {
  const end = text.indexOf('\n');
  const fields = text.slice(0, end < 0 ? undefined : end).trim().split(/\s+/);
  if (fields[0] !== 'cpu' || fields.length < 9) return undefined;
  const ticks = fields.slice(1, 9).map(Number);
  if (ticks.some((tick) => !Number.isFinite(tick))) return undefined;
  const cores = text.match(/^cpu\d+ /gm)?.length ?? 1;
  return { idle: ticks[3]! + ticks[4]!, total: ticks.reduce((a, b) => a + b, 0), cores };
}

function readTicks(): Ticks | undefined {
  const text = readText('/proc/stat');
  return text === undefined ? undefined : parseProcStat(text);
}

/** Whether `spare` idle cores are enough on a machine (or quota) of `cores`: one, or half of a single core. */
const enough = (spare: number, cores: number) => spare >= Math.min(1, cores / 2);

function machineSpares(now: Ticks, before: Ticks): boolean | undefined {
  const total = now.total - before.total;
  // No tick between the two reads (called twice within 10 ms): no evidence of either.
  if (total <= 0) return undefined;
  return enough(((now.idle - before.idle) / total) * now.cores, now.cores);
}

function quotaSpares(now: QuotaReading, before: QuotaReading): boolean | undefined {
  const elapsed = now.atUsec - before.atUsec;
  if (elapsed <= 0) return undefined;
  return enough(now.cores - (now.usageUsec - before.usageUsec) / elapsed, now.cores);
}

/** One source's last reading, and what the next says against it: nothing at the first, spare where it has none. */
class SinceLast<T extends object> {
  private last: T | undefined;

  constructor(
    private readonly read: () => T | undefined,
    private readonly judge: (now: T, before: T) => boolean | undefined,
  ) {}

  spares(): boolean | undefined {
    const now = this.read();
    if (!now) return true;
    const before = this.last;
    this.last = now;
    return before && this.judge(now, before);
  }
}

/**
 * `spare()` compares the machine's idle time with the last call's: true when at least one core was idle over that
 * interval on the whole (half the machine on a single core), false when not, undefined at the first call (nothing
 * to compare with yet). Always true where /proc/stat cannot be read. Under a CPU quota, the quota's unused share
 * over the interval is held to the same measure, and both must spare one.
 */
export class SpareCore {
  private readonly machine: SinceLast<Ticks>;
  private readonly quota: SinceLast<QuotaReading>;

  constructor(read: () => Ticks | undefined = readTicks, readQuota: () => QuotaReading | undefined = cgroupCpu()) {
    this.machine = new SinceLast(read, machineSpares);
    this.quota = new SinceLast(readQuota, quotaSpares);
  }

  spare(): boolean | undefined {
    const machine = this.machine.spares();
    const quota = this.quota.spares();
    if (machine === false || quota === false) return false;
    return machine && quota;
  }
}
