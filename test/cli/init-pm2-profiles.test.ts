/**
 * `land init` from a PM2 ecosystem file with the usual `env` + `env_production` pair, through the real CLI: the
 * profiles it writes boot, and each tier gets what `pm2 start` (`--env production`) would give it, but for the value
 * the apps disagree on, which its tier's comment names.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHILD, land, landDone, markedProcesses } from '../helpers/land.js';

const dir = mkdtempSync(join(tmpdir(), 'land-init-pm2-profiles-'));
const reports = join(dir, 'reports');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ecosystem = `module.exports = {
  apps: [
    {
      name: 'api',
      script: ${JSON.stringify(CHILD)},
      args: ['--report-env', ${JSON.stringify(reports)}, '--say', 'up'],
      env: { NODE_ENV: 'development', LOG: 'debug' },
      env_production: { NODE_ENV: 'production', API_URL: 'https://api.example' },
    },
    {
      name: 'web',
      script: ${JSON.stringify(CHILD)},
      args: ['--report-env', ${JSON.stringify(reports)}, '--say', 'up'],
      env: { NODE_ENV: 'development' },
      env_production: { NODE_ENV: 'production', API_URL: 'https://web.example' },
    },
  ],
};
`;

/** Boots the stack under a profile (or the default) until both tiers said up; the environment each got, by tier. */
async function envUnder(profile: string[]): Promise<Record<string, Record<string, string>>> {
  rmSync(reports, { recursive: true, force: true });
  // vitest exports NODE_ENV=test, and an exported variable wins over a profile (README "The environment each child
  // receives"): the user's shell, here, has none.
  const up = land(['up', '--no-tui', ...profile], dir, { NODE_ENV: undefined });
  await up.waitFor(/api +\| up/, 40_000);
  await up.waitFor(/web +\| up/, 40_000);
  expect((await up.stop()).code).toBe(0);
  expect(markedProcesses(up.bootId)).toEqual([]);
  const byTier: Record<string, Record<string, string>> = {};
  for (const file of readdirSync(reports)) byTier[file.split('-')[0]!] = JSON.parse(readFileSync(join(reports, file), 'utf8'));
  return byTier;
}

describe('land init: env_<name> of a PM2 ecosystem file as profiles', () => {
  it("writes profiles/production.env and default.env, moves NODE_ENV out of the tiers' env, and each tier boots with pm2's values", { timeout: 120_000 }, async () => {
    writeFileSync(join(dir, 'ecosystem.config.js'), ecosystem);
    const init = await landDone(['init'], dir);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('land: also wrote profiles/production.env, profiles/default.env.');
    expect(readFileSync(join(dir, 'profiles', 'production.env'), 'utf8')).toMatch(/^NODE_ENV=production$/m);
    expect(readFileSync(join(dir, 'profiles', 'default.env'), 'utf8')).toMatch(/^NODE_ENV=development$/m);
    const config = readFileSync(join(dir, 'land.config.ts'), 'utf8');
    expect(config).toContain("env: { LOG: 'debug' }");
    expect(config).not.toContain("NODE_ENV: 'development'");
    expect(config.match(/\/\/ env_production: API_URL not in profile production \(the apps give it different values \(api, web\)\): set it for this tier by hand/g)).toHaveLength(2);
    const check = await landDone(['check'], dir);
    expect(check.code, check.stdout + check.stderr).toBe(0);

    const production = await envUnder(['--profile', 'production']);
    expect(production.api).toMatchObject({ NODE_ENV: 'production', LOG: 'debug' });
    expect(production.web!.NODE_ENV).toBe('production');
    expect(production.api!.API_URL).toBeUndefined();
    const development = await envUnder([]);
    expect(development.api).toMatchObject({ NODE_ENV: 'development', LOG: 'debug' });
    expect(development.web!.NODE_ENV).toBe('development');
  });
});
