/** The PM2 ecosystem converter behind `land init`, on the cases the end-to-end test does not reach. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseLandConfig } from '../../src/config/config-issues.js';
import { InputError } from '../../src/errors.js';
import { renderConfig, tsValue } from '../../src/migrate/emit.js';
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
    for (const tier of split.tiers) expect(tier.notes).toContain('env_production: URL not in profile production (the apps give it different values (a, b)): set it for this tier by hand');
  });

  it("env + env_<name>: the apps' env values move into profiles/default.env; a value the apps disagree on is noted on their tiers only", () => {
    const result = draft([
      { name: 'api', script: 'api.js', env: { NODE_ENV: 'development', LOG: 'debug' }, env_production: { NODE_ENV: 'production', API_URL: 'https://api.example' } },
      { name: 'web', script: 'web.js', env: { NODE_ENV: 'development' }, env_production: { NODE_ENV: 'production', API_URL: 'https://web.example' }, env_staging: { TIER: 'stg' } },
      { name: 'cron', script: 'cron.js', env: { NODE_ENV: 'test' } },
    ]);
    expect(result.files).toEqual({
      'profiles/production.env': expect.stringMatching(/^NODE_ENV=production$/m),
      'profiles/staging.env': expect.stringMatching(/^TIER=stg\n# the apps' env, which this profile does not change:\nNODE_ENV=development\n$/m),
      'profiles/default.env': expect.stringMatching(/\nNODE_ENV=development\n$/),
    });
    expect(result.files!['profiles/production.env']).not.toContain('API_URL');
    const [api, web, cron] = result.tiers;
    expect(api!.config.env).toEqual({ LOG: 'debug' });
    expect(web!.config.env).toBeUndefined();
    // cron sets no env_production: it keeps its own NODE_ENV, which wins over any profile, as pm2 keeps it.
    expect(cron!.config.env).toEqual({ NODE_ENV: 'test' });
    const note = 'env_production: API_URL not in profile production (the apps give it different values (api, web)): set it for this tier by hand';
    expect(api!.notes).toContain(note);
    expect(web!.notes).toContain(note);
    expect(cron!.notes.filter((line) => line.startsWith('env_'))).toEqual([]);
    expect(result.notes).toContain(
      "env_<name> became profiles/<name>.env (production, staging): land up --profile <name>; without one, profiles/default.env. NODE_ENV moved from the tiers' env into the profiles (a tier's own env would win over a profile); one exported in land's shell wins over a profile, where pm2 keeps an app's env over its shell.",
    );
  });

  it('keeps a value in the env of an app whose other env_<name> leaves it out, saying which profile does not reach it', () => {
    const result = draft([
      { name: 'a', script: 'a.js', env: { MODE: 'dev' }, env_production: { MODE: 'prod' } },
      { name: 'b', script: 'b.js', env: { MODE: 'dev' }, env_production: { MODE: 'prod' }, env_staging: { MODE: 'stg' } },
    ]);
    const [a, b] = result.tiers;
    expect(a!.config.env).toEqual({ MODE: 'dev' });
    expect(a!.notes).toContain('env_production: MODE stays in its env (its env_staging would keep it), which wins over profile production: set it for this tier by hand');
    expect(b!.config.env).toBeUndefined();
    expect(result.files!['profiles/default.env']).toMatch(/^MODE=dev$/m);
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

  describe('the script, env names, replicas and PORT, cwd (the tester\'s sixteenth-wave bugs)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'land-pm2-unit-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const at = (base: string, configDir = base) => ({ base, configDir, warnings: [] as string[] });

    it('quotes the script in a shell line, and gives a script that runs itself ./ when it is a file of the app\'s folder', () => {
      writeFileSync(join(dir, 'run.sh'), '#!/bin/sh\n');
      const tiers = draftFromPm2(
        {
          apps: [
            { name: 'sp', script: 'my app.js', node_args: '--max-old-space-size=512 --inspect', args: "--name 'x y'" },
            { name: 'piped', script: 'run.sh', interpreter: 'none', args: 'a | b' },
            { name: 'plain', script: 'run.sh', interpreter: 'none' },
            { name: 'spaced', script: 'my app.js', args: ['--name', 'x y'] },
            { name: 'onpath', script: 'npm', args: 'run start' },
          ],
        },
        'ecosystem.config.js',
        at(dir),
      ).tiers.map((tier) => tier.config);
      expect(tiers[0]).toMatchObject({ command: "node --max-old-space-size=512 --inspect 'my app.js' --name 'x y'", shell: true });
      expect(tiers[1]).toMatchObject({ command: './run.sh a | b', shell: true });
      expect(tiers[2]).toMatchObject({ command: ['./run.sh'] });
      expect(tiers[3]).toMatchObject({ command: ['node', 'my app.js', '--name', 'x y'] });
      expect(tiers[4]).toMatchObject({ command: ['npm', 'run', 'start'] });
    });

    it('refuses a variable name the environment cannot hold, or a NUL in a value, naming the key and never the value', () => {
      const bad: Array<[Record<string, unknown>, string]> = [
        [{ env: { 'A=B': 'secret-1' } }, 'apps[0].env["A=B"]: expected a variable name: not empty, without "=" or a NUL byte, got a name with "="'],
        [{ env: { '': 'secret-1' } }, 'apps[0].env[""]: expected a variable name: not empty, without "=" or a NUL byte, got an empty name'],
        [{ env: { NUL: 'secret\u0000-1' } }, 'apps[0].env["NUL"]: expected a value without a NUL byte (the environment ends a value there)'],
        [{ env_production: { 'X=Y': 'secret-1' } }, 'apps[0].env_production["X=Y"]: expected a variable name: not empty, without "=" or a NUL byte, got a name with "="'],
      ];
      for (const [app, message] of bad) {
        expect(() => draftFromPm2({ apps: [{ script: 'a.js', ...app }] }, 'ecosystem.config.js')).toThrow(new InputError(`ecosystem.config.js: ${message}`));
      }
    });

    it('replicas with a numeric env PORT: port, so each replica gets its own PORT; the note says why', () => {
      const [api, fork, named] = draft([
        { name: 'api', script: './app/server.js', instances: 4, exec_mode: 'cluster', env: { PORT: 3000 } },
        { name: 'fork', script: 'f.js', instances: 2, env: { PORT: '4000', A: '1' } },
        { name: 'named', script: 'n.js', instances: 2, exec_mode: 'cluster', env: { PORT: '$BASE' } },
      ]).tiers;
      expect(api!.config).toMatchObject({ replicas: 4, port: 3000 });
      expect(api!.config.env).toBeUndefined();
      expect(api!.notes).toContainEqual(expect.stringMatching(/^exec_mode cluster: pm2's cluster mode shares one port .* env PORT 3000 became port: 3000, so replica n gets PORT = 3000 \+ n - 1 \(3000\.\.3003\)/));
      expect(fork!.config).toMatchObject({ replicas: 2, port: 4000, env: { A: '1' } });
      expect(named!.config).toMatchObject({ replicas: 2, env: { PORT: '$BASE' } });
      expect(named!.config.port).toBeUndefined();
      // What init writes loads: the port leaves room for every replica.
      expect(() => parseLandConfig({ tiers: { api: api!.config, fork: fork!.config } }, 'x')).not.toThrow();
    });

    it('reads a relative cwd from the folder init runs in, as pm2 does from where `pm2 start` runs; warns of one that is missing', () => {
      const config = join(dir, 'sub');
      const run = join(dir, 'here');
      mkdirSync(join(run, 'sub'), { recursive: true });
      mkdirSync(config, { recursive: true });
      const context = at(run, config);
      const [own, none, gone] = draftFromPm2(
        { apps: [{ name: 'own', script: 'a.js', cwd: 'sub' }, { name: 'none', script: 'b.js' }, { name: 'gone', script: 'c.js', cwd: '/nonexistent' }] },
        'eco.config.js',
        context,
      ).tiers;
      expect(own!.config.cwd).toBe('../here/sub');
      expect(none!.config.cwd).toBe('../here');
      expect(gone!.config.cwd).toBe('/nonexistent');
      expect(context.warnings).toEqual(['eco.config.js: apps[2] (gone): cwd "/nonexistent": no such folder here: the tier does not start until it exists']);
      // Run where the file is, nothing changes: no cwd for an app without one.
      expect(draftFromPm2({ apps: [{ script: 'b.js' }] }, 'eco.config.js', at(config)).tiers[0]!.config.cwd).toBeUndefined();
    });

    it('writes a control character of a string as its escape, never raw', () => {
      expect(tsValue('a\u0000b\u2028c\td')).toBe("'a\\u0000b\\u2028c\\u0009d'");
    });
  });
});
