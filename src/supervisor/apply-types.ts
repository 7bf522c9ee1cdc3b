/** The shapes of `land apply`'s answer (`POST /apply`), public through types.ts (the package's types.d.ts). */
import type { StillRunning } from './left-behind.js';
import type { TierSnapshot } from './types.js';

export type ApplyChange = 'added' | 'removed' | 'changed' | 'scaled' | 'unchanged';

/**
 * One thing `land apply` does to a tier, as data: its plan wording (`action`), past tense and summary verb are made
 * from it (apply-words.ts). `running`: it runs now; `gatedBy`: not started, gated off; `leave`'s `inPlace`: what was
 * taken as is (dependsOn, …); `keep`: the new definition kept for its next start.
 */
export type ApplyAct =
  | { kind: 'add'; waits: string[]; schedule?: string }
  | { kind: 'not-started'; gatedBy: string }
  | { kind: 'remove'; running: boolean; dependents: string[] }
  | { kind: 'replace'; schedule?: string; gatedBy?: string }
  | { kind: 'gate-off'; running: boolean }
  | { kind: 'gate-on'; schedule?: string }
  | { kind: 'reschedule'; running: boolean }
  | { kind: 'restart' }
  | { kind: 'keep'; gatedBy?: string }
  | { kind: 'scale'; from: number; to: number }
  | { kind: 'leave'; inPlace: string[] };

/** One configured tier's line of the plan (a tier with replicas: one line for all of them). */
export interface ApplyStep {
  tier: string;
  change: ApplyChange;
  /** What differs: `command`, `env FOO, BAR` (names only: values can be secrets), `replicas 2 → 3`, … */
  what: string[];
  /** What land does about it (or, in a dry run, would do): `acts` in order, said as a plan. */
  action: string;
  acts: ApplyAct[];
}

/** `POST /apply`'s answer. */
export interface ApplyResult {
  ok: true;
  dryRun: boolean;
  /** The config file the running land read again, and the profile it applied. */
  config: string;
  profile: string;
  steps: ApplyStep[];
  /** What changed but is not applied to a running stack (the receiver's port, mountain's own telemetry, …). */
  notes: string[];
  /** The stack's tiers after the apply (a dry run: as they are). */
  tiers: TierSnapshot[];
  left?: StillRunning[];
}
