/**
 * `land export` of a scheduled tier: a systemd timer whose OnCalendar= matches the times croner (land's scheduler)
 * gives, checked by systemd's own `systemd-analyze calendar`; a Kubernetes CronJob the official schema accepts; a
 * Compose service in a profile of its own, with a warning (Compose has no scheduler).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cron } from 'croner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onCalendar } from '../../src/export/schedule.js';
import { landDone, makeProject, removeProjects } from '../helpers/land.js';
import { composeConfig, readKubernetes, readUnit, tool, exportEach, verifyUnits, type Exported } from './helpers.js';

const outRoot = mkdtempSync(join(tmpdir(), 'land-export-schedule-'));
let outputs: Record<string, Exported>;
const out = (engine: string) => join(outRoot, engine);

beforeAll(async () => {
  const dir = makeProject({
    config: {
      app: 'shop',
      tiers: {
        web: { command: ['node', '-e', 'setInterval(() => {}, 1000)'] },
        backup: { command: ['node', '-e', 'console.log("backup")'], schedule: '*/15 2-4 * * MON-FRI', dependsOn: { web: 'started' } },
        odd: { command: ['true'], schedule: '0 0 L * *' },
        weekly: { command: ['true'], schedule: '0 3 * * 1#2' },
      },
    },
  });
  outputs = await exportEach(dir, outRoot);
  outputs.supervisord = await landDone(['export', 'supervisord', '--out', out('supervisord')], dir);
}, 120_000);

afterAll(() => {
  removeProjects();
  rmSync(outRoot, { recursive: true, force: true });
});

/** The next `count` times systemd finds for these OnCalendar= values (merged), as epoch milliseconds. */
async function systemdTimes(calendars: string[], count: number): Promise<number[]> {
  const times: number[] = [];
  for (const calendar of calendars) {
    const { code, stdout, stderr } = await tool('systemd-analyze', ['calendar', `--iterations=${count}`, calendar], tmpdir());
    expect(code, stderr).toBe(0);
    for (const [, text] of stdout.matchAll(/(?:Next elapse|Iter\. #\d+): \w+ (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)/g)) times.push(new Date(text!.replace(' ', 'T')).getTime());
  }
  return [...new Set(times)].sort((a, b) => a - b).slice(0, count);
}

describe('a cron expression as OnCalendar=', () => {
  it.each([
    '*/5 * * * *',
    '0 3 * * *',
    '*/20 * * * * *',
    '15,45 9-17 * * 1-5',
    '0 0 1,15 * SUN',
    '0 12 * JAN,JUL *',
    '30 4 */2 * *',
    '@hourly',
    '@weekly',
    '0 9 * * 0,7',
  ])('%s: systemd finds the same next times as croner', async (expression) => {
    const calendar = onCalendar(expression);
    expect('calendars' in calendar, JSON.stringify(calendar)).toBe(true);
    const calendars = (calendar as { calendars: string[] }).calendars;
    // Asked again when a time passed between the two asks (every 20 s: a boundary may fall between them).
    let found: number[] = [];
    let expected: number[] = [];
    for (let attempt = 0; attempt < 3 && (attempt === 0 || found.join() !== expected.join()); attempt++) {
      found = await systemdTimes(calendars, 8);
      expected = new Cron(expression, { paused: true }).nextRuns(8).map((date) => date.getTime());
    }
    expect(found).toEqual(expected);
  });

  it.each([
    ['0 0 L * *', /L, W, # and \+ have no equivalent/],
    ['0 0 * * 5#2', /L, W, # and \+ have no equivalent/],
  ])('%s: not translated, with why', (expression, why) => {
    const calendar = onCalendar(expression);
    expect(calendar).toEqual({ problem: expect.stringMatching(why) });
  });
});

describe('land export of a scheduled tier', () => {
  it('systemd: a Type=oneshot unit the target does not start, and a timer the target wants; systemd-analyze verify accepts them', async () => {
    expect(outputs.systemd!.code, outputs.systemd!.stderr).toBe(0);
    const verified = await verifyUnits(out('systemd'));
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);
    const service = readUnit(join(out('systemd'), 'shop-backup.service'));
    expect(service.Service).toMatchObject({ Type: ['oneshot'], Restart: ['no'] });
    expect(service.Service!.RemainAfterExit).toBeUndefined();
    expect(service.Install).toBeUndefined();
    const timer = readUnit(join(out('systemd'), 'shop-backup.timer'));
    expect(timer.Timer).toMatchObject({ OnCalendar: ['Mon..Fri *-*-* 02..04:00/15:00'], Unit: ['shop-backup.service'] });
    expect(timer.Install).toEqual({ WantedBy: ['shop.target'] });
    expect(readUnit(join(out('systemd'), 'shop.target')).Unit!.Wants![0]).toBe('shop-web.service shop-backup.timer');
    // `L` has no OnCalendar= form: no timer, a warning in the unit and on the terminal.
    expect(readdirSync(out('systemd'))).not.toContain('shop-odd.timer');
    expect(readFileSync(join(out('systemd'), 'shop-odd.service'), 'utf8')).toMatch(/# warning: schedule "0 0 L \* \*" not mapped: .*no timer starts shop-odd\.service/);
    expect(outputs.systemd!.stdout).toMatch(/warning: tier odd: schedule "0 0 L \* \*" not mapped/);
  });

  it('kubernetes: a CronJob (Forbid: a time that comes while a run goes is skipped), which the official schema accepts', () => {
    expect(outputs.kubernetes!.code, outputs.kubernetes!.stderr).toBe(0);
    const objects = readKubernetes(join(out('kubernetes'), 'shop.yaml'));
    const backup = objects.find((object) => object.kind === 'CronJob' && object.metadata.name === 'shop-backup')!;
    expect(backup.spec).toMatchObject({ schedule: '*/15 2-4 * * MON-FRI', concurrencyPolicy: 'Forbid', jobTemplate: { spec: { backoffLimit: 0 } } });
    expect(backup.spec.jobTemplate.spec.template.spec.restartPolicy).toBe('Never');
    expect(backup.spec.jobTemplate.spec.template.spec.initContainers).toHaveLength(1);
    expect(objects.find((object) => object.metadata.name === 'shop-web')!.kind).toBe('Deployment');
    // `L` is no CronJob syntax: written suspended with a placeholder, and said.
    expect(objects.find((object) => object.metadata.name === 'shop-odd')!.spec).toMatchObject({ suspend: true, schedule: '0 0 1 1 *' });
    expect(outputs.kubernetes!.stdout).toMatch(/warning: tier odd: schedule "0 0 L \* \*" not mapped: .*written suspended/);
  });

  it('compose: the service is in the profile "scheduled" (up leaves it out), with a warning that says how to run it', async () => {
    expect(outputs.compose!.code, outputs.compose!.stderr).toBe(0);
    const { code, stderr, config } = await composeConfig(out('compose'));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(config.services.backup!.profiles).toEqual(['scheduled']);
    expect(config.services.web!.profiles).toBeUndefined();
    expect(outputs.compose!.stdout).toContain('warning: tier backup: schedule "*/15 2-4 * * MON-FRI" not mapped: Compose has no scheduler');
    expect(readFileSync(join(out('compose'), 'compose.yaml'), 'utf8')).toContain('`*/15 2-4 * * MON-FRI docker compose -f compose.yaml run --rm backup`');
  });

  it('compose and supervisord: croner-only syntax (L, #) gives no crontab line, which cron could not read, but says so', () => {
    for (const engine of ['compose', 'supervisord']) {
      const { code, stdout, stderr } = outputs[engine]!;
      expect(code, stderr).toBe(0);
      const run = engine === 'compose' ? 'docker compose -f compose.yaml run --rm weekly' : 'supervisorctl start weekly';
      expect(stdout).toContain(`warning: tier weekly: schedule "0 3 * * 1#2" not mapped: `);
      expect(stdout).toContain(`crontab cannot run it at these times either: the field "1#2" (L, W, # and + have no equivalent): run \`${run}\` from a scheduler of your own`);
      expect(stdout).toMatch(/warning: tier odd: schedule "0 0 L \* \*" not mapped: .*crontab cannot run it at these times either/);
      expect(stdout).not.toContain('`0 3 * * 1#2 ');
      expect(stdout).not.toContain('`0 0 L * * ');
    }
    expect(outputs.supervisord!.stdout).toContain("run it from the host's crontab (`*/15 2-4 * * MON-FRI supervisorctl start backup`)");
  });
});
