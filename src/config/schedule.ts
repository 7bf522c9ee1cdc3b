/**
 * A tier's `schedule`: a cron expression (croner's syntax: five fields, or six with seconds first; `@hourly`, …)
 * checked when the config loads, and what it cannot go with. The runs themselves: src/supervisor/schedule.ts.
 */
import { croner } from './croner.js';
import { looksSecret } from './secrets.js';
import * as z from 'zod/mini';

export const SCHEDULE_EXAMPLE = "'*/5 * * * *'";

/** Why an expression cannot schedule anything (croner's reason, or that it never matches), undefined when it can. */
export function scheduleProblem(expression: string): string | undefined {
  if (expression.trim() === '') return 'an empty expression';
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
