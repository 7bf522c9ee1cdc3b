/**
 * A config that prints (`console.log('loading config…')`, a direct stdout write, a `when` predicate that logs) must
 * not break the commands whose stdout is for a program: `--json` output stays one valid JSON document (or one per
 * line for `trace --json`), `land run`'s stdout stays the command's, and what the config printed goes to stderr,
 * once per load (the config is loaded once per command).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { land, landDone, makeProject, removeProjects } from '../helpers/land.js';

const NOISY = `
console.log('loading config…');
process.stdout.write('raw write from the config\\n');
export default {
  tiers: {
    web: { command: ['sleep', '30'], when: () => { console.log('when predicate'); return true; } },
    job: { command: ['true'], restart: { policy: 'never' } },
  },
};
`;

function noisyProject(): string {
  const dir = makeProject({ config: { tiers: {} }, profiles: { debug: '', prod: '' }, files: { '.env.Land.PostHog': 'Record=1\n' } });
  writeFileSync(join(dir, 'land.config.mjs'), NOISY);
  return dir;
}

const count = (text: string, what: string) => text.split(what).length - 1;

afterAll(() => removeProjects());

describe("what a config prints stays off machine output's stdout", () => {
  it('land profiles --json and land check --json print valid JSON; the config loads once; its lines go to stderr', async () => {
    const dir = noisyProject();
    const profiles = await landDone(['profiles', '--json'], dir);
    expect(profiles.code, profiles.stderr).toBe(0);
    expect(JSON.parse(profiles.stdout).profiles.map((row: { profile: string }) => row.profile)).toEqual(['debug', 'prod']);
    expect(count(profiles.stderr, 'loading config…')).toBe(1);
    expect(count(profiles.stderr, 'raw write from the config')).toBe(1);
    expect(count(profiles.stderr, 'when predicate')).toBe(2);

    const check = await landDone(['check', '--json'], dir);
    expect(check.code, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ ok: true, problems: [] });
    expect(count(check.stderr, 'loading config…')).toBe(1);

    // Without --json stdout is for a person: the config's lines stay where it wrote them.
    const table = await landDone(['profiles'], dir);
    expect(count(table.stdout, 'loading config…')).toBe(1);
  }, 60_000);

  it("land trace --json gives one JSON object a line; land status --json one document; land run's stdout is the command's", async () => {
    const dir = noisyProject();
    const up = land(['up', '--no-tui', '--no-dashboard'], dir);
    await up.waitFor(/web: starting → ready/);
    const status = await landDone(['status', '--json'], dir);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).tiers.map((tier: { name: string }) => tier.name).sort()).toEqual(['job', 'web']);
    expect((await up.stop()).code).toBe(0);

    const trace = await landDone(['trace', '--json'], dir);
    expect(trace.code, trace.stderr).toBe(0);
    const spans = trace.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { name: string });
    expect(spans.map((span) => span.name)).toContain('land.boot');
    expect(count(trace.stderr, 'loading config…')).toBe(1);

    const run = await landDone(['run', '--', 'node', '-e', 'process.stdout.write("only the command\\n")'], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('only the command\n');
    expect(count(run.stderr, 'loading config…')).toBe(1);
  }, 90_000);
});
