/**
 * `land apply`'s plan: the running stack's definition (the plan it booted with, or last applied) against its config
 * read again, one step per configured tier. Only what reaches a tier's process makes it `changed`: its command, cwd,
 * environment as spawn builds it (env files, profile and land's injected variables included), probes, restart
 * policy, stop, limits, daemon, port, telemetry name. What only the supervisor reads (dependsOn, description,
 * exitWith) is taken in place, with no restart; a changed `schedule` is a new cron, with no restart either (a tier
 * that gains or loses one is replaced: kindSwitch). Pure: apply.ts acts on it.
 */
import { telemetryEnvOf } from '../config/plan.js';
import type { BootPlan, ResolvedConfig, ResolvedTier, TierPlan } from '../config/types.js';
import { TELEMETRY_KEYS } from '../telemetry/mist.js';
import { sayActs } from './apply-words.js';
import { replicaConfig } from './replicas.js';

// The answer's shapes are public (the package's types.d.ts): they live in types.ts.
export type { ApplyAct, ApplyChange, ApplyResult, ApplyStep } from './types.js';
import type { ApplyAct, ApplyChange, ApplyStep } from './types.js';

/** What apply.ts does for one configured tier, beside what the step says. */
export interface TierChange extends ApplyStep {
  /** The tier's new definition (absent: removed). */
  next?: ResolvedTier;
  /** Why the new plan gates it off (absent: it starts). */
  gatedBy?: string;
  /** Its running instances are stopped and started again with the new definition. */
  restart: boolean;
  /** Its instances are removed and made again: replicas declared or dropped, or the count of a tier gated off. */
  replace: boolean;
  /** It started before and is gated off now: its running instances stop. */
  gateOff: boolean;
  /** It was gated off and starts now. */
  gateOn: boolean;
  scaleTo?: number;
}

export interface DiffInput {
  before: BootPlan;
  after: BootPlan;
  /** The environment a process of `config` gets under `plan`, as spawn builds it (the same start context for both). */
  envOf(plan: BootPlan, config: ResolvedTier): Record<string, string>;
  /** Whether an instance of the tier runs now (or waits in backoff to run again). */
  running(group: string): boolean;
}

/** Fields of a resolved tier that reach its process, beside its environment, and how the plan names them. */
const PROCESS_FIELDS: Array<[keyof ResolvedTier, string]> = [
  ['command', 'command'],
  ['shell', 'command'],
  ['cwd', 'cwd'],
  ['tier', 'telemetry name'],
  ['ready', 'ready probe'],
  ['liveness', 'liveness probe'],
  ['restart', 'restart policy'],
  ['stop', 'stop'],
  ['limits', 'limits'],
  ['daemon', 'daemon'],
  ['port', 'port'],
  // The stdin pipe is made at the spawn (tier-stdin.ts).
  ['stdin', 'stdin'],
];
/** Read by the supervisor only: taken in place. */
const IN_PLACE: Array<keyof ResolvedTier> = ['dependsOn', 'description', 'exitWith'];
/** Stack-wide keys a running land does not change: said, applied at the next `land up`. */
const STACK_KEYS: Array<keyof ResolvedConfig> = ['receiver', 'dashboard', 'logs', 'keepBoots', 'rollupIntervalMs'];
const MAX_NAMES = 6;
/** Set by land for each instance of a tier (hydrate.ts childEnvOverlay), never by the config. */
const PER_INSTANCE_KEYS = ['LAND_REPLICA'];

/** A value as text to compare: a RegExp (a log probe) by its source, a function (`when`) left out. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, each: unknown) => (each instanceof RegExp ? `/${each.source}/${each.flags}` : typeof each === 'function' ? undefined : each)) ?? '';
}

function differs(a: unknown, b: unknown): boolean {
  return canonical(a) !== canonical(b);
}

function names(list: string[]): string {
  const shown = list.slice(0, MAX_NAMES).join(', ');
  return list.length > MAX_NAMES ? `${shown} and ${list.length - MAX_NAMES} more` : shown;
}

/** Keys whose values differ (names only). */
function changedKeys(a: Record<string, string>, b: Record<string, string>, only?: readonly string[]): string[] {
  const keys = new Set(only ?? [...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((key) => a[key] !== b[key]).sort();
}

/**
 * What differs between two definitions of a tier that reaches its process (its first instance stands for all). The
 * variables land sets per instance (`LAND_REPLICA`: present or not as the tier declares replicas) are not a change of
 * the definition: gaining or dropping `replicas` is said as such.
 */
function processDiff(input: DiffInput, old: ResolvedTier, next: ResolvedTier): string[] {
  const first = (config: ResolvedTier) => (config.replicas === undefined ? config : replicaConfig(config, 1));
  const [a, b] = [first(old), first(next)];
  const what = new Set(PROCESS_FIELDS.filter(([field]) => differs(a[field], b[field])).map(([, name]) => name));
  const env = changedKeys(withoutInstance(input.envOf(input.before, a), a), withoutInstance(input.envOf(input.after, b), b)).filter((key) => !PER_INSTANCE_KEYS.includes(key));
  if (env.length > 0) what.add(`env ${names(env)}`);
  return [...what];
}

/** Without land's own `,service.instance.id=<tier>.<n>` (hydrate.ts instanceAttribute): per instance, as LAND_REPLICA. */
function withoutInstance(env: Record<string, string>, tier: ResolvedTier): Record<string, string> {
  const suffix = `,service.instance.id=${tier.name}`;
  const value = env.OTEL_RESOURCE_ATTRIBUTES;
  if (tier.replica === undefined || value?.endsWith(suffix) !== true) return env;
  return { ...env, OTEL_RESOURCE_ATTRIBUTES: value.slice(0, -suffix.length) };
}

function gateOf(plan: BootPlan, name: string): TierPlan {
  return plan.tiers.find((tier) => tier.name === name) ?? { name, enabled: true };
}

/** The step's public part, its action worded from its acts (apply-words.ts). */
function stepOf(tier: string, change: ApplyChange, what: string[], acts: ApplyAct[]): ApplyStep {
  return { tier, change, what, action: sayActs(acts, 'plan'), acts };
}

function removedStep(input: DiffInput, old: ResolvedTier): TierChange {
  const dependents = input.before.config.tiers.filter((tier) => old.name in tier.dependsOn && input.after.config.tiers.some((kept) => kept.name === tier.name));
  const act: ApplyAct = { kind: 'remove', running: input.running(old.name), dependents: dependents.map((tier) => tier.name) };
  return { ...stepOf(old.name, 'removed', [], [act]), restart: false, replace: false, gateOff: false, gateOn: false };
}

function addedStep(input: DiffInput, next: ResolvedTier): TierChange {
  const gate = gateOf(input.after, next.name);
  const waits = Object.entries(next.dependsOn).map(([name, condition]) => `${name} ${condition}`);
  const act: ApplyAct = !gate.enabled
    ? { kind: 'not-started', gatedBy: gate.gatedBy ?? '' }
    : { kind: 'add', waits, ...(next.schedule !== undefined ? { schedule: next.schedule } : {}) };
  const what = next.replicas === undefined ? [] : [`replicas ${next.replicas}`];
  return { ...stepOf(next.name, 'added', what, [act]), next, gatedBy: gate.enabled ? undefined : gate.gatedBy, restart: false, replace: false, gateOff: false, gateOn: false };
}

/**
 * A tier that gains or loses its `schedule` changes kind (a job run at times, or a service kept running): replaced,
 * as for `replicas`, so no life of one kind goes on under the other's rules (a service's process left running as a
 * job would skip every time; a job's `scheduled` state kept by a service would never start).
 */
function kindSwitch(old: ResolvedTier, next: ResolvedTier): string | undefined {
  if ((old.schedule === undefined) === (next.schedule === undefined)) return undefined;
  return next.schedule === undefined ? 'schedule dropped' : `schedule ${next.schedule} added`;
}

/** A tier in both: what differs, and what is done about it. */
function keptStep(input: DiffInput, old: ResolvedTier, next: ResolvedTier): TierChange {
  const was = gateOf(input.before, old.name);
  const now = gateOf(input.after, next.name);
  const running = input.running(old.name);
  const diff = processDiff(input, old, next);
  const base = { tier: next.name, next, gatedBy: now.enabled ? undefined : now.gatedBy, restart: false, replace: false, gateOff: false, gateOn: false };
  const structural = (old.replicas === undefined) !== (next.replicas === undefined);
  const counted = !structural && old.replicas !== next.replicas;
  const count = `replicas ${old.replicas} → ${next.replicas}`;
  const kind = kindSwitch(old, next);
  if (structural || kind || (counted && !now.enabled)) {
    const what = [...diff, ...(structural ? [next.replicas === undefined ? 'replicas dropped' : `replicas ${next.replicas} declared`] : counted ? [count] : []), ...(kind ? [kind] : [])];
    const act: ApplyAct = now.enabled ? { kind: 'replace', ...(next.schedule !== undefined ? { schedule: next.schedule } : {}) } : { kind: 'replace', gatedBy: now.gatedBy ?? '' };
    return { ...base, ...stepOf(next.name, 'changed', what, [act]), replace: true };
  }
  if (was.enabled && !now.enabled) {
    return { ...base, ...stepOf(next.name, 'changed', [`gated off (${now.gatedBy})`, ...diff], [{ kind: 'gate-off', running }]), gateOff: true };
  }
  const gateOn = !was.enabled && now.enabled;
  const rescheduled = old.schedule !== next.schedule;
  const acts = keptActs({ old, next, running, gateOn, rescheduled, changed: diff.length > 0, counted, gatedBy: now.enabled ? undefined : (now.gatedBy ?? '') });
  const what = [...(gateOn ? [`no longer gated off (was ${was.gatedBy})`] : []), ...diff, ...(rescheduled ? [`schedule ${old.schedule} → ${next.schedule}`] : []), ...(counted ? [count] : [])];
  const change = gateOn || diff.length > 0 || rescheduled ? 'changed' : counted ? 'scaled' : 'unchanged';
  return { ...base, ...stepOf(next.name, change, what, acts), restart: diff.length > 0 && running, gateOn, ...(counted ? { scaleTo: next.replicas } : {}) };
}

/** What is done to a tier in both plans that is neither replaced nor gated off, in the order it is done. */
function keptActs(how: { old: ResolvedTier; next: ResolvedTier; running: boolean; gateOn: boolean; rescheduled: boolean; changed: boolean; counted: boolean; gatedBy?: string }): ApplyAct[] {
  const { old, next, running, gateOn, changed } = how;
  const acts: ApplyAct[] = [];
  if (gateOn && !running) acts.push({ kind: 'gate-on', ...(next.schedule !== undefined ? { schedule: next.schedule } : {}) });
  // A new expression is a new cron (schedule.ts): the process never sees it, so a run under way goes on.
  if (how.rescheduled && !gateOn) acts.push({ kind: 'reschedule', running });
  if (changed && running) acts.push({ kind: 'restart' });
  else if (changed && !gateOn) acts.push({ kind: 'keep', ...(how.gatedBy !== undefined ? { gatedBy: how.gatedBy } : {}) });
  if (how.counted) acts.push({ kind: 'scale', from: old.replicas ?? 1, to: next.replicas ?? 1 });
  if (acts.length === 0) acts.push({ kind: 'leave', inPlace: IN_PLACE.filter((field) => differs(old[field], next[field])) });
  return acts;
}

/** What changed stack-wide that a running land keeps as it booted: said, not applied. */
function stackNotes(input: DiffInput, steps: readonly TierChange[]): string[] {
  const { before, after } = input;
  const notes: string[] = [...(after.config.rereadNotes ?? [])];
  if (before.profile !== after.profile) notes.push(`profile: ${before.profile} → ${after.profile}`);
  const keys = STACK_KEYS.filter((key) => differs(before.config[key], after.config[key]));
  if (keys.length > 0) notes.push(`${keys.join(', ')}: changed; a running land keeps them as it booted (land down, then land up)`);
  const telemetry = changedKeys(telemetryEnvOf(before), telemetryEnvOf(after), TELEMETRY_KEYS);
  if (telemetry.length > 0 || before.config.app !== after.config.app || before.config.version !== after.config.version) {
    const what = [...telemetry, ...(before.config.app !== after.config.app ? ['app'] : []), ...(before.config.version !== after.config.version ? ['version'] : [])];
    notes.push(`${names(what)}: land's own telemetry keeps the boot's settings (land down, then land up); tiers started from now on get the new ones`);
  }
  const watches = steps.filter((step) => step.next && differs(before.config.tiers.find((tier) => tier.name === step.tier)?.watch, step.next.watch));
  if (watches.length > 0) notes.push(`watch of ${watches.map((step) => step.tier).join(', ')}: changed; what is watched changes at the next land up`);
  return notes;
}

/** The plan: a step per tier of either config (the new config's order, removed tiers after), and the stack's notes. */
export function diffStack(input: DiffInput): { steps: TierChange[]; notes: string[] } {
  const old = new Map(input.before.config.tiers.map((tier) => [tier.name, tier]));
  const steps = input.after.config.tiers.map((next) => {
    const was = old.get(next.name);
    return was ? keptStep(input, was, next) : addedStep(input, next);
  });
  const kept = new Set(input.after.config.tiers.map((tier) => tier.name));
  for (const tier of input.before.config.tiers) if (!kept.has(tier.name)) steps.push(removedStep(input, tier));
  return { steps, notes: stackNotes(input, steps) };
}

/** The step as the answer gives it (what apply.ts needs besides stays here). */
export function publicStep({ tier, change, what, action, acts }: TierChange): ApplyStep {
  return { tier, change, what, action, acts };
}
