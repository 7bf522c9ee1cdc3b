/**
 * `land apply`'s steps in words, made from their acts (types.ts ApplyAct): the plan (`restart it with the new
 * definition`: `--dry-run`, the API's `action`), the same said as done (`restarted with the new definition`: the CLI
 * after acting) and one verb a tier for a save's one-line summary (`restarted api`: watch/apply-summary.ts). Each
 * phrase is written once here, in both tenses side by side, so a new wording cannot leave the other texts behind.
 */
import type { ApplyAct, ApplyStep } from './types.js';

export type Tense = 'plan' | 'done';

type Words = { [K in ApplyAct['kind']]: (act: Extract<ApplyAct, { kind: K }>, done: boolean) => string };

const pick = (done: boolean, plan: string, past: string) => (done ? past : plan);

const WORDS: Words = {
  add: ({ waits, schedule }, done) => {
    if (schedule !== undefined) return `${pick(done, 'schedule it', 'scheduled it')} (${schedule})`;
    const start = pick(done, 'start', 'starting');
    return waits.length > 0 ? `${start} once ${waits.join(', ')}` : start;
  },
  'not-started': ({ gatedBy }) => `not started (${gatedBy})`,
  remove: ({ running, dependents }, done) => {
    const said = dependents.length > 0 ? ` (${dependents.join(', ')} depended on it)` : '';
    return (running ? pick(done, 'stop and forget it', 'stopped and forgot it') : pick(done, 'forget it', 'forgot it')) + said;
  },
  replace: ({ schedule, gatedBy }, done) => {
    const head = pick(done, 'replace its instances', 'replaced its instances');
    if (gatedBy !== undefined) return `${head} (not started: ${gatedBy})`;
    const then = schedule !== undefined ? `the new one waits for its first time (${schedule})` : pick(done, 'start the new ones', 'started the new ones');
    return `${head}: ${pick(done, 'stop them', 'stopped them')}, ${then}`;
  },
  'gate-off': ({ running }, done) => (running ? pick(done, 'stop it', 'stopped it') : pick(done, 'gate it off', 'gated it off')),
  'gate-on': ({ schedule }, done) =>
    schedule !== undefined ? `${pick(done, 'schedule it', 'scheduled it')} (${schedule})` : pick(done, 'start it', 'starting it') + ' once its dependencies are met',
  reschedule: ({ running }, done) => pick(done, 'reschedule it', 'rescheduled it') + (running ? ' (the run under way goes on)' : ''),
  restart: (_act, done) => pick(done, 'restart it', 'restarted') + ' with the new definition',
  keep: ({ gatedBy }, done) => pick(done, 'keep', 'kept') + ' the new definition' + (gatedBy !== undefined ? ` (not started: ${gatedBy})` : ' for its next start (not running)'),
  scale: ({ from, to }, done) => `${pick(done, 'scale', 'scaled')} ${from} → ${to}`,
  leave: ({ inPlace }, done) => pick(done, 'leave it alone', 'left it alone') + (inPlace.length > 0 ? ` (${inPlace.join(', ')} taken as is)` : ''),
};

function sayAct(act: ApplyAct, done: boolean): string {
  // Each kind's words take that kind's act: the table is exhaustive (Words), so the cast only narrows the union.
  return (WORDS[act.kind] as (act: ApplyAct, done: boolean) => string)(act, done);
}

/** A step's acts in words, joined as one action: `reschedule it (the run under way goes on), restart it with …`. */
export function sayActs(acts: readonly ApplyAct[], tense: Tense): string {
  return acts.map((act) => sayAct(act, tense === 'done')).join(', ');
}

/**
 * What happened to the tier, in a word, for a one-line summary (undefined: nothing did). The change says it for an
 * added, removed or scaled tier; else its acts, the strongest first.
 */
export function verbOf(step: Pick<ApplyStep, 'change' | 'acts'>): string | undefined {
  if (step.change === 'added' || step.change === 'removed' || step.change === 'scaled') return step.change;
  if (step.change === 'unchanged') return undefined;
  const kinds = new Set(step.acts.map((act) => act.kind));
  if (kinds.has('replace')) return 'replaced';
  if (kinds.has('restart')) return 'restarted';
  if (kinds.has('gate-off')) return 'stopped';
  const on = step.acts.find((act) => act.kind === 'gate-on');
  if (on) return on.schedule !== undefined ? 'scheduled' : 'started';
  return kinds.has('reschedule') ? 'rescheduled' : 'changed';
}
