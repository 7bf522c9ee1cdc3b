/**
 * A scheduled tier under Kubernetes (`land export kubernetes`): a CronJob. `concurrencyPolicy: Forbid` skips a time
 * that comes while the last run still goes, as land does; a failed run is not retried (`backoffLimit: 0`,
 * `restartPolicy: Never`: it waits for its next time); `timeZone` is this machine's, whose local time land's times are.
 */
import { cronJobSchedule } from './schedule.js';

type Json = Record<string, unknown>;

export function cronJob(expression: string, metadata: Json, template: Json, warn: (text: string) => void): Json {
  (template.spec as Json).restartPolicy = 'Never';
  const cron = cronJobSchedule(expression);
  // No CronJob schedule for it: the object is written suspended, with a yearly placeholder, for a person to finish.
  if ('problem' in cron) warn(`schedule ${JSON.stringify(expression)} not mapped: ${cron.problem}; the CronJob is written suspended with a placeholder schedule: set spec.schedule, then spec.suspend: false`);
  else if (cron.note) warn(`schedule ${JSON.stringify(expression)}: ${cron.note}`);
  const spec: Json = {
    schedule: 'problem' in cron ? '0 0 1 1 *' : cron.schedule,
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    concurrencyPolicy: 'Forbid',
    ...('problem' in cron ? { suspend: true } : {}),
    jobTemplate: { spec: { backoffLimit: 0, template } },
  };
  return { apiVersion: 'batch/v1', kind: 'CronJob', metadata, spec };
}
