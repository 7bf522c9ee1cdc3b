/**
 * `land __reap <boot-id> <land-pid> <land-start-time>` (hidden): what the guardian (guardian.ts) execs once its land
 * has died. It reaps that boot's leftovers by their LAND_BOOT_ID mark as `land down` does for a dead land
 * (reapBootAndWait: SIGKILL, then again until they are gone, bounded by the stop grace), and says nothing: its
 * output goes nowhere. The land is checked first: still that very process and running (its end of the guardian's
 * socket closed some other way), nothing is touched.
 */
import { InputError } from '../errors.js';
import { liveLand, reapBootAndWait } from '../supervisor/pidfile.js';
import { BOOT_ID } from '../supervisor/retention.js';

export async function reapCommand(bootId: string, pid: string, startTime: string): Promise<number> {
  if (!BOOT_ID.test(bootId)) throw new InputError(`__reap: boot id ${JSON.stringify(bootId)}: expected one like 20261205T153453591Z-50465d`);
  if (!/^[1-9]\d*$/.test(pid) || !/^\d+$/.test(startTime)) throw new InputError('__reap: expected the land\'s pid and start time (clock ticks)');
  if (liveLand({ pid: Number(pid), startTime, bootId })) return 1;
  const { left } = await reapBootAndWait(bootId);
  return left.pids.length > 0 ? 1 : 0;
}
