/**
 * A scheduled tier under systemd (`land export systemd`): its unit is a `Type=oneshot` service the stack's target
 * does not start, and `<unit>.timer` starts it at each time of its schedule (`OnCalendar=`, schedule.ts), wanted by
 * the target. A timer never starts a oneshot that is still running (a run that comes while the last goes is skipped,
 * as land skips it); `Persistent=` stays off: a time missed while the machine was down is not caught up, as in land.
 */
import { onCalendar } from './schedule.js';
import type { ExportFile, ExportTier } from './model.js';

export interface TimerNames {
  app: string;
  /** The tier's service unit, `<app>-<tier>.service`, and the stem its timer is named by. */
  unit: string;
  stem: string;
  header: string[];
}

/** The timer of a scheduled tier, or a warning when its expression has no OnCalendar= equivalent (no timer then). */
export function timerFor(tier: ExportTier, names: TimerNames, warn: (text: string) => void): ExportFile | undefined {
  if (tier.schedule === undefined) return undefined;
  const calendar = onCalendar(tier.schedule);
  if ('problem' in calendar) {
    warn(`schedule ${JSON.stringify(tier.schedule)} not mapped: ${calendar.problem}; no timer starts ${names.unit} (write its OnCalendar= by hand)`);
    return undefined;
  }
  return {
    name: `${names.stem}.timer`,
    content: [
      ...names.header,
      '[Unit]',
      `Description=${names.app} ${tier.name}: schedule ${tier.schedule}`.replace(/%/g, '%%'),
      `PartOf=${names.app}.target`,
      '',
      '[Timer]',
      `# schedule: ${tier.schedule}`,
      ...calendar.calendars.map((line) => `OnCalendar=${line}`),
      'AccuracySec=1s',
      `Unit=${names.unit}`,
      '',
      '[Install]',
      `WantedBy=${names.app}.target`,
      '',
    ].join('\n'),
  };
}
