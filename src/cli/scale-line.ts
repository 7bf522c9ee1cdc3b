/** `land scale`'s answer, one line: every replica runs, or how many run and what the others are doing. */
import type { TierSnapshot } from '../supervisor/types.js';

type Instance = Pick<TierSnapshot, 'name' | 'pid' | 'state'>;

/** Where each addressed instance runs now: `api (pid 123)`, `api.1 (pid 4), api.2 (pid 5)`. */
export function describeInstances(tiers: readonly Instance[]): string {
  return tiers.map((tier) => `${tier.name}${tier.pid !== undefined ? ` (pid ${tier.pid})` : ` (${tier.state})`}`).join(', ');
}

/**
 * `web runs 2 replicas: web.1 (pid 4), web.2 (pid 5)`. With some not running (a stop or a restart of some came in
 * the same burst), "runs 6" would contradict the list: `web has 6 replicas, 4 running: …; stopped: web.1, web.2`.
 */
export function scaleLine(tier: string, tiers: readonly Instance[]): string {
  const total = `${tiers.length} replica${tiers.length === 1 ? '' : 's'}`;
  const running = tiers.filter((instance) => instance.pid !== undefined);
  if (running.length === tiers.length) return `${tier} runs ${total}: ${describeInstances(tiers)}`;
  const byState = new Map<string, string[]>();
  for (const { name, pid, state } of tiers) if (pid === undefined) byState.set(state, [...(byState.get(state) ?? []), name]);
  const others = [...byState].map(([state, names]) => `${state}: ${names.join(', ')}`).join('; ');
  const runs = running.length > 0 ? `${running.length} running: ${describeInstances(running)}` : 'none running';
  return `${tier} has ${total}, ${runs}; ${others}`;
}
