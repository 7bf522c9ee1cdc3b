/** `land up <tier…>`: those tiers and what they depend on, nothing else; a named tier the profile gates off starts. */
import { afterAll, describe, expect, it } from 'vitest';
import { child, expectCleanRejection, land, landDone, makeProject, markedProcesses, removeProjects } from '../helpers/land.js';

/** Projects a background land was started in: stopped even when a test failed before its own `land down`. */
const backgrounds: string[] = [];
afterAll(async () => {
  await Promise.all(backgrounds.map((dir) => landDone(['down'], dir)));
  removeProjects();
});

/** api needs db; worker stands alone; mail is gated off by the profile `dev`; cron needs mail. */
function project(): string {
  return makeProject({
    config: {
      defaultProfile: 'dev',
      tiers: {
        db: { command: child('--say', 'db up'), ready: { log: 'db up' } },
        api: { command: child('--say', 'api up'), dependsOn: { db: 'ready' } },
        worker: { command: child('--say', 'worker up') },
        mail: { command: child('--say', 'mail up'), gate: 'Mail' },
        cron: { command: child('--say', 'cron up'), dependsOn: { mail: 'started' } },
      },
    },
    profiles: { dev: 'Mail=false\n' },
  });
}

type Snapshot = { tiers: Array<{ name: string; state: string; gatedBy?: string }> };

describe('land up <tier…>', () => {
  it('starts the named tiers and their dependencies only, a gated-off one too; -d passes them on', { timeout: 90_000 }, async () => {
    const dir = project();
    const run = land(['up', '--no-tui', '--no-dashboard', 'api', 'mail'], dir);
    await run.waitFor(/api +\| api up/);
    await run.waitFor(/mail +\| mail up/);
    const status = await landDone(['status', '--json'], dir);
    const states = Object.fromEntries((JSON.parse(status.stdout) as Snapshot).tiers.map((tier) => [tier.name, [tier.state, tier.gatedBy]]));
    expect(states.db![0]).toBe('ready');
    expect(states.worker).toEqual(['disabled', 'not requested']);
    expect(states.cron).toEqual(['disabled', 'not requested']);
    expect((await run.stop()).code).toBe(0);
    expect(run.output).not.toMatch(/worker up|cron up/);
    expect(markedProcesses(run.bootId)).toEqual([]);

    // In the background the same tiers start (the background land is started with them).
    backgrounds.push(dir);
    const background = await landDone(['up', '-d', '--no-dashboard', 'worker'], dir);
    expect(background.code).toBe(0);
    const started = (JSON.parse((await landDone(['status', '--json'], dir)).stdout) as Snapshot).tiers.filter((tier) => tier.state !== 'disabled');
    expect(started.map((tier) => tier.name)).toEqual(['worker']);
    expect((await landDone(['down'], dir)).code).toBe(0);
  });

  it('refuses an unknown tier with one line naming it and the known ones, exit 2, nothing started', async () => {
    const dir = project();
    const refused = await landDone(['up', '--no-tui', 'api', 'nope'], dir);
    expectCleanRejection(refused, dir, /^land: unknown tier "nope" \(known: db, api, worker, mail, cron\)$/);
  });

  it('land start of a tier left out starts it and what it depends on; one the profile gates off is refused, readably', { timeout: 90_000 }, async () => {
    const dir = project();
    backgrounds.push(dir);
    expect((await landDone(['up', '-d', '--no-dashboard', 'worker'], dir)).code).toBe(0);
    const states = async () =>
      Object.fromEntries((JSON.parse((await landDone(['status', '--json'], dir)).stdout) as Snapshot).tiers.map((tier) => [tier.name, [tier.state, tier.gatedBy]]));
    // mail is gated off by the profile whether named or not: it keeps its gate, not "not requested".
    expect((await states()).mail).toEqual(['disabled', 'Mail=false']);

    const api = await landDone(['start', 'api'], dir);
    expect([api.code, api.stderr]).toEqual([0, '']);
    expect(api.stdout).toMatch(/^land: started api \(/);
    const logs = land(['logs', '-f', 'api', 'db'], dir);
    await logs.waitFor(/api +\| api up/);
    logs.signal('SIGINT');
    await logs.exited;
    expect((await states()).db![0]).toBe('ready');

    const mail = await landDone(['start', 'mail'], dir);
    expect([mail.code, mail.stderr]).toEqual([4, 'land: mail is gated off by Mail=false; `land spawn mail` overrides the gate\n']);
    const cron = await landDone(['start', 'cron'], dir);
    expect([cron.code, cron.stderr]).toEqual([4, 'land: cron needs mail, which is gated off by Mail=false; `land spawn mail` overrides the gate\n']);
    expect((await states()).cron).toEqual(['disabled', 'not requested']);
    expect((await landDone(['down'], dir)).code).toBe(0);
  });
});
