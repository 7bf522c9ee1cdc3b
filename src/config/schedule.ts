/**
 * A tier's `schedule`: a cron expression (croner's syntax: five fields, or six with seconds first; `@hourly`, …)
 * checked when the config loads, and what it cannot go with. The runs themselves: src/supervisor/schedule.ts.
 */
import { croner } from './croner.js';
import { looksSecret } from './secrets.js';
import * as z from 'zod/mini';

export const SCHEDULE_EXAMPLE = "'*/5 * * * *'";

/** Each field's largest value, seconds first (six fields) or minutes first (five): where `N/step` runs to. */
const FIELD_MAX = [59, 59, 23, 31, 12, 6];

/** The month's and the weekday's last value by name (the last two fields): a step from a name runs to one, not a number. */
const NAME_MAX = ['DEC', 'SAT'];

/**
 * The expression with every `N/step` spelt `N-max/step` (`5/15` → `5-59/15`), or undefined when it has none. The
 * short form is read three ways: croner (11) refuses it, Vixie cron (crontab) runs at N alone, and systemd, Kubernetes
 * and Quartz from N every step to the end; the long form is read alike by all, as the last. A name runs to a name
 * (`JAN/3` → `JAN-DEC/3`): a range mixing a name and a number reads badly, and not every cron takes it.
 */
export function spelledSteps(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) return undefined;
  const max = fields.length === 6 ? FIELD_MAX : FIELD_MAX.slice(1);
  const nameMax = (index: number) => NAME_MAX[index - (fields.length - NAME_MAX.length)];
  let changed = false;
  const spelt = fields.map((field, index) =>
    field
      .split(',')
      .map((part) => {
        const step = /^(\d+|[A-Za-z]{3})\/(\d+)$/.exec(part);
        if (!step) return part;
        const named = /^[A-Za-z]/.test(step[1]!);
        // A name outside the month and weekday fields: croner's error says it better than a suggestion would.
        if (named && nameMax(index) === undefined) return part;
        changed = true;
        const last = named ? nameMax(index)! : String(max[index]);
        return `${step[1]}-${step[1] === step[1]!.toLowerCase() ? last.toLowerCase() : last}/${step[2]}`;
      })
      .join(','),
  );
  return changed ? spelt.join(' ') : undefined;
}

/** Why an expression cannot schedule anything (croner's reason, or that it never matches), undefined when it can. */
export function scheduleProblem(expression: string): string | undefined {
  if (expression.trim() === '') return 'an empty expression';
  const spelt = spelledSteps(expression);
  if (spelt !== undefined && scheduleProblem(spelt) === undefined) {
    const short = expression.trim().split(/\s+/).find((field) => /(?:^|,)(?:\d+|[A-Za-z]{3})\/\d+(?:,|$)/.test(field))!;
    return withoutSecrets(`${short} is read differently by crons (crontab runs at its first value alone, others from it to the end): write ${JSON.stringify(spelt)}`, expression);
  }
  try {
    const cron = new (croner().Cron)(expression, { paused: true });
    const next = cron.nextRun();
    cron.stop();
    return next === null ? 'it never matches a time to come' : undefined;
  } catch (error) {
    return withoutSecrets(String(error instanceof Error ? error.message : error).replace(/^CronPattern: /, ''), expression);
  }
}

/**
 * croner's reason quotes the expression, or one of its fields: one that may be a secret is left out (`…`), as the
 * config's message leaves the value out (`got (hidden: it may be a secret)`).
 */
function withoutSecrets(reason: string, expression: string): string {
  const hidden = [expression, ...expression.split(/\s+/)].filter((part) => part !== '' && looksSecret(part));
  return hidden.reduce((text, part) => text.split(part).join('…'), reason);
}

/** The `schedule` key: a cron expression croner accepts, that matches some time to come. */
export const scheduleSchema = () =>
  z.string({ error: `expected a cron expression such as ${SCHEDULE_EXAMPLE}` }).check(
    z.superRefine((expression, ctx) => {
      const problem = scheduleProblem(expression);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `expected a cron expression such as ${SCHEDULE_EXAMPLE} (${problem})`, path: [] });
    }),
  );

interface ScheduledTier {
  schedule?: string;
  replicas?: number;
  daemon?: unknown;
  exitWith?: boolean;
  restart?: { policy?: string };
}

/**
 * A scheduled tier is a job run at its times, one run at a time: it has no replicas, no daemon, does not end the
 * stack, and no restart policy re-runs it between times (a failed run waits for the next time).
 */
export function checkScheduledTier(tier: ScheduledTier, ctx: z.core.$RefinementCtx): void {
  if (tier.schedule === undefined) return;
  const refuse = (path: string[], message: string) => ctx.addIssue({ code: 'custom', message, path });
  if (tier.replicas !== undefined) refuse(['replicas'], 'expected no replicas on a scheduled tier (it runs one process at a time)');
  if (tier.daemon !== undefined && tier.daemon !== false) refuse(['daemon'], 'expected no daemon on a scheduled tier (each run is a job that ends)');
  if (tier.exitWith === true) refuse(['exitWith'], 'expected no exitWith on a scheduled tier (it never ends for good)');
  const policy = tier.restart?.policy;
  if (policy !== undefined && policy !== 'never') refuse(['restart', 'policy'], 'expected never on a scheduled tier (a failed run waits for its next time)');
}
