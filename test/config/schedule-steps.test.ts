/**
 * `5/15` in a cron field: croner 11 (land's scheduler) refuses it, Vixie cron (crontab) runs at 5 alone, systemd and
 * Kubernetes from 5 every 15. land says so and gives the long form (`5-59/15`), which all read alike; `land init`
 * from PM2 writes the long form; an export's crontab line then says what croner runs.
 */
import { describe, expect, it } from 'vitest';
import { croner } from '../../src/config/croner.js';
import { parseLandConfig } from '../../src/config/config-issues.js';
import { scheduleProblem, spelledSteps } from '../../src/config/schedule.js';
import { crontabAdvice, onCalendar } from '../../src/export/schedule.js';
import { draftFromPm2 } from '../../src/migrate/from-pm2.js';

/** The minutes (or seconds) of the next runs croner gives, from midnight UTC. */
function minutes(expression: string, count: number): string[] {
  const cron = new (croner().Cron)(expression, { paused: true, timezone: 'Etc/UTC' });
  const runs = cron.nextRuns(count, new Date('2026-01-01T00:00:00Z'));
  cron.stop();
  return runs.map((run) => run.toISOString().slice(11, 19));
}

describe('a cron field N/step', () => {
  it('is spelt N-max/step in each field, five or six fields, names too; nothing else changes', () => {
    expect(spelledSteps('5/15 * * * *')).toBe('5-59/15 * * * *');
    expect(spelledSteps('0 5/15 2/6 * * *')).toBe('0 5-59/15 2-23/6 * * *');
    // A name runs to a name (never `JAN-12/3`), in six fields too; a number to a number.
    expect(spelledSteps('0 9 10/5 JAN/3 MON/2')).toBe('0 9 10-31/5 JAN-DEC/3 MON-SAT/2');
    expect(spelledSteps('0 0 9 1 jan/3 1/2')).toBe('0 0 9 1 jan-dec/3 1-6/2');
    expect(scheduleProblem('0 9 * JAN/3 *')).toMatch(/: write "0 9 \* JAN-DEC\/3 \*"$/);
    expect(scheduleProblem('0 9 * JAN-DEC/3 *')).toBeUndefined();
    expect(spelledSteps('1,5/15 * * * *')).toBe('1,5-59/15 * * * *');
    expect(spelledSteps('*/15 1-5/2 * * *')).toBeUndefined();
    // The long form runs at the times the short one names from its start: 5, 20, 35, 50.
    expect(minutes('5-59/15 * * * *', 5)).toEqual(['00:05:00', '00:20:00', '00:35:00', '00:50:00', '01:05:00']);
  });

  it('in a config: refused with the long form to write, in one line naming the key', () => {
    expect(scheduleProblem('5/15 * * * *')).toBe('5/15 is read differently by crons (crontab runs at its first value alone, others from it to the end): write "5-59/15 * * * *"');
    expect(scheduleProblem('5-59/15 * * * *')).toBeUndefined();
    const parse = () => parseLandConfig({ tiers: { job: { command: ['true'], schedule: '5/15 * * * *' } } }, 'land.config.ts');
    expect(parse).toThrow(/^land\.config\.ts: tiers\.job\.schedule: expected a cron expression such as '\*\/5 \* \* \* \*' \(5\/15 is read differently by crons .*: write "5-59\/15 \* \* \* \*"\), got "5\/15 \* \* \* \*"$/);
  });

  it('land init from PM2 writes the long form with a note; an export then gives crontab and systemd the same times', () => {
    const [tier] = draftFromPm2({ apps: [{ name: 'job', script: 'job.js', autorestart: false, cron_restart: '5/15 * * * *' }] }, 'ecosystem.config.js').tiers;
    expect(tier!.config.schedule).toBe('5-59/15 * * * *');
    expect(tier!.notes).toContain('cron_restart "5/15 * * * *": written "5-59/15 * * * *", the same times spelt as croner 11 and crontab read them (crontab would run `N/step` at N alone)');
    expect(crontabAdvice('5-59/15 * * * *', 'land spawn job')).toBe("run it from the host's crontab (`5-59/15 * * * * land spawn job`)");
    expect(onCalendar('5-59/15 * * * *')).toEqual({ calendars: ['*-*-* *:05,20,35,50:00'] });
  });
});
