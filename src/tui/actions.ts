/**
 * What `s`, `r` and `l` do to a tier in a given state. A key that cannot act says why instead of doing nothing.
 */
import type { TierSnapshot } from '../supervisor/types.js';
import { noReplicasMessage } from '../supervisor/replica-hint.js';
import { gateOf } from './tier-view.js';

export type TierAction = { kind: 'start' | 'stop' | 'restart' | 'reload'; tier: string } | { kind: 'refuse'; message: string };

function gatedOff(tier: TierSnapshot): TierAction {
  return {
    kind: 'refuse',
    message: `${tier.name} is gated off by ${gateOf(tier)} — use \`land spawn ${tier.name}\` to override`,
  };
}

/** `s`: stop what runs (or is about to), start what has ended (or waits for its schedule's next time). */
export function startStopAction(tier: TierSnapshot): TierAction {
  switch (tier.state) {
    case 'disabled':
      return gatedOff(tier);
    case 'starting':
    case 'ready':
    case 'backoff':
    case 'pending':
      return { kind: 'stop', tier: tier.name };
    case 'stopped':
    case 'exited':
    case 'failed':
    case 'crashed':
    case 'scheduled': // between runs: runs it now, as `land start` does (`land stop` pauses its schedule)
      return { kind: 'start', tier: tier.name };
    case 'stopping':
      return { kind: 'refuse', message: `${tier.name} is already stopping` };
  }
}

/** `r`: restart anything that has (or had) a process; not what is gated off, stopping, or still waiting. */
export function restartAction(tier: TierSnapshot): TierAction {
  switch (tier.state) {
    case 'disabled':
      return gatedOff(tier);
    case 'stopping':
      return { kind: 'refuse', message: `${tier.name} is stopping — wait for it to stop, then press s to start it` };
    case 'pending': {
      const deps = Object.keys(tier.dependsOn);
      const on = deps.length > 0 ? ` on ${deps.join(', ')}` : '';
      return { kind: 'refuse', message: `${tier.name} has not started yet: it is waiting${on}` };
    }
    default:
      return { kind: 'restart', tier: tier.name };
  }
}

/**
 * `l`: `land reload` of the selected tier, refused where `r` is. A replica reloads its whole tier (one at a time, as
 * `land reload web` does); a tier without replicas is restarted (the supervisor's reload of one).
 */
export function reloadAction(tier: TierSnapshot): TierAction {
  const action = restartAction(tier);
  return action.kind === 'refuse' ? action : { kind: 'reload', tier: tier.group ?? tier.name };
}

export type ScaleAction = { kind: 'scale'; group: string; count: number } | { kind: 'refuse'; message: string };

/** `+` / `-`: one replica more or fewer of the selected tier's group (only a tier that declares replicas scales). */
export function scaleAction(tier: TierSnapshot, tiers: readonly TierSnapshot[], delta: 1 | -1): ScaleAction {
  const group = tier.group;
  if (group === undefined) {
    return { kind: 'refuse', message: noReplicasMessage(tier.name) };
  }
  const count = tiers.filter((other) => other.group === group).length + delta;
  if (count < 1) return { kind: 'refuse', message: `${group} keeps at least one replica — s stops it` };
  return { kind: 'scale', group, count };
}

