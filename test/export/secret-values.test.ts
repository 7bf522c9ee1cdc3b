/**
 * Secret values that env-file syntax bends (line breaks, quotes, ` #`, `$`, edge spaces, backslashes) reach the
 * service byte for byte: Compose's env_file as docker-compose 1.29 reads it (`docker-compose config`, run here) and
 * as Compose v2 reads it (its parser's rules, env-file-readers.ts), systemd's EnvironmentFile= as systemd reads it
 * (its parser's rules); a value no Compose spelling carries for both readers gets one warning naming its key.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { landDone, makeProject, removeProjects } from '../helpers/land.js';
import { readComposeV2EnvFile } from './env-file-readers.js';
import { composeConfig, readEnvironmentFile, verifyUnits } from './helpers.js';

const HOME = process.env.HOME ?? '/root';
/** Each carried by both Compose readers and by systemd. */
const PORTABLE: Record<string, string> = {
  PRIVATE_KEY: '-----BEGIN KEY-----\nabc\n-----END KEY-----',
  API_SECRET: '"quoted" tail # not comment ',
  HOME_TOKEN: 'pre$HOME-post $1',
  PADDED_SECRET: '  padded\tvalue  ',
  CRLF_SECRET: 'one\r\ntwo',
  BACKSLASH_SECRET: 'C:\\dir\\',
  ESCAPES_SECRET: 'a\\nb \\"c\\" `d` %e',
  HASH_SECRET: 'abc#def',
  SINGLE_SECRET: "it's",
};
/** docker-compose 1.x cannot read these back as written (it expands `${…}`; `\$` in double quotes keeps its backslash). */
const V2_ONLY: Record<string, string> = {
  BRACE_TOKEN: 'a${HOME}b',
  QUOTE_DOLLAR_TOKEN: "it's $5",
};
const ALL = { ...PORTABLE, ...V2_ONLY };

const root = mkdtempSync(join(tmpdir(), 'land-export-secret-values-'));
const out = (engine: string) => join(root, engine);
const printed: Record<string, string> = {};

beforeAll(async () => {
  const project = makeProject({ config: { app: 'sv', tiers: { api: { command: ['sleep', '30'], env: ALL } } } });
  for (const engine of ['compose', 'systemd']) {
    const result = await landDone(['export', engine, '--out', out(engine)], project);
    expect(result.code, result.stderr).toBe(0);
    printed[engine] = result.stdout + result.stderr;
  }
}, 120_000);

afterAll(() => {
  removeProjects();
  rmSync(root, { recursive: true, force: true });
});

describe('land export: secret values reach the service byte for byte', () => {
  it('compose: docker-compose 1.29 reads every portable value back unchanged', async () => {
    const { code, stderr, config } = await composeConfig(out('compose'));
    expect(code, stderr).toBe(0);
    const environment = config.services.api!.environment as Record<string, string>;
    for (const [key, value] of Object.entries(PORTABLE)) expect(environment[key], key).toBe(value);
  });

  it('compose: Compose v2 reads every value back unchanged, none expanded', () => {
    const env = readComposeV2EnvFile(readFileSync(join(out('compose'), 'api.secrets.env'), 'utf8'), { HOME });
    for (const [key, value] of Object.entries(ALL)) expect(env[key], key).toBe(value);
  });

  it('compose: one warning per value 1.x cannot carry, naming the key, never the value', () => {
    const warnings = printed.compose!.split('\n').filter((line) => line.includes('warning: tier api: secret '));
    expect(warnings.map((line) => /secret (\w+)/.exec(line)![1]).sort()).toEqual(Object.keys(V2_ONLY).sort());
    for (const value of Object.values(ALL)) if (value.length > 4) expect(printed.compose).not.toContain(value);
  });

  it('systemd: the units verify and systemd reads every value back unchanged', async () => {
    const verified = await verifyUnits(out('systemd'));
    expect(verified.code, verified.stderr).toBe(0);
    const env = readEnvironmentFile(join(out('systemd'), 'sv-api.secrets.env'));
    for (const [key, value] of Object.entries(ALL)) expect(env[key], key).toBe(value);
    expect(printed.systemd).not.toContain('secret PRIVATE_KEY');
  });
});
