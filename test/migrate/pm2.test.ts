/** The PM2 ecosystem converter behind `land init`, on the cases the end-to-end test does not reach. */
import { describe, expect, it } from 'vitest';
import { parseLandConfig } from '../../src/config/config-issues.js';
import { InputError } from '../../src/errors.js';
import { renderConfig } from '../../src/migrate/emit.js';
import { draftFromPm2 } from '../../src/migrate/from-pm2.js';

const draft = (apps: unknown[]) => draftFromPm2({ apps }, 'ecosystem.config.js');
const configOf = (apps: unknown[]) => draft(apps).tiers.map((tier) => tier.config);

describe('pm2 → land', () => {
  it('picks the interpreter by extension, as pm2 does, and runs a script of none itself', () => {
    expect(configOf([{ script: 'a.js' }, { script: 'b.py', args: ['-v'] }, { script: 'c.sh' }, { script: 'npm', args: 'run start' }, { script: 'bin/srv', interpreter: 'none' }])).toEqual([
      expect.objectContaining({ command: ['node', 'a.js'] }),
      expect.objectContaining({ command: ['python3', 'b.py', '-v'] }),
      expect.objectContaining({ command: ['bash', 'c.sh'] }),
      expect.objectContaining({ command: ['npm', 'run', 'start'] }),
      expect.objectContaining({ command: ['bin/srv'] }),
    ]);
  });

  it('restart: autorestart false is never, else always; delays and min_uptime map to backoff and resetAfterMs', () => {
    expect(configOf([{ script: 'a.js', autorestart: false }, { script: 'b.js', exp_backoff_restart_delay: 100, min_uptime: 5000, max_restarts: 10 }])).toEqual([
      expect.objectContaining({ restart: { policy: 'never' } }),
      expect.objectContaining({ restart: { policy: 'always', maxRestarts: 10, resetAfterMs: 5000, backoff: { initialMs: 100, maxMs: 15_000 } } }),
    ]);
  });

  it('says what it cannot map: instances "max", a bad cron_restart, a size pm2 reads but land refuses, unknown keys', () => {
    const [tier] = draft([{ name: 'web', script: 'a.js', instances: 'max', cron_restart: '99 * * * *', autorestart: false, max_memory_restart: '512K', wait_ready: true }]).tiers;
    expect(tier!.config.replicas).toBeUndefined();
    expect(tier!.config.schedule).toBeUndefined();
    expect(tier!.config.limits).toBeUndefined();
    expect(tier!.notes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^instances "max": land runs a whole number 1\.\.64 of replicas/),
        expect.stringMatching(/^cron_restart "99 \* \* \* \*": not a cron expression land reads \(.+\): left out$/),
        'max_memory_restart "512K": not a size of at least 1M: left out',
        'not mapped: wait_ready: true',
      ]),
    );
  });

  it('env_<name>: one profile when the apps agree; none (a note on each app) when they do not', () => {
    const agreed = draft([
      { name: 'a', script: 'a.js', env_production: { NODE_ENV: 'production', A: 'x y' } },
      { name: 'b', script: 'b.js', env_production: { NODE_ENV: 'production' } },
    ]);
    expect(agreed.files).toEqual({
      'profiles/production.env': expect.stringContaining('NODE_ENV=production\nA="x y"\n'),
      'profiles/default.env': expect.any(String),
    });
    expect(agreed.defaultProfile).toBe('default');
    const split = draft([
      { name: 'a', script: 'a.js', env_production: { URL: 'http://a' } },
      { name: 'b', script: 'b.js', env_production: { URL: 'http://b' } },
    ]);
    expect(split.files).toBeUndefined();
    for (const tier of split.tiers) expect(tier.notes).toContain('env_production: no profile (the apps give URL different values): set URL for it by hand');
  });

  it('writes a config that parses: a scheduled job and a watched server together', () => {
    const result = draft([
      { name: 'web', script: 'server.js', watch: true, instances: 3, max_memory_restart: '1G' },
      { name: 'job', script: 'job.js', autorestart: false, cron_restart: '0 * * * *', instances: 2 },
    ]);
    const text = renderConfig(result);
    expect(text).toContain("schedule: '0 * * * *'");
    // The config as land reads it: the job keeps no replicas nor restart policy (a schedule refuses them).
    const config = parseLandConfig(Object.fromEntries([['tiers', Object.fromEntries(result.tiers.map((tier) => [tier.name, tier.config]))]]), 'x');
    expect(config.tiers.web).toMatchObject({ watch: '**', replicas: 3, limits: { memory: '1G' } });
    expect(config.tiers.job).toMatchObject({ schedule: '0 * * * *' });
    expect(config.tiers.job!.replicas).toBeUndefined();
  });

  it('refuses what is no ecosystem file, in one line naming it', () => {
    expect(() => draftFromPm2({ app: [] }, 'ecosystem.config.js')).toThrow(InputError);
    expect(() => draftFromPm2(42, 'ecosystem.config.js')).toThrow("ecosystem.config.js: apps: expected an array of apps, e.g. module.exports = { apps: [{ name: 'web', script: 'server.js' }] }");
  });
});
