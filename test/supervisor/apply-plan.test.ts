/**
 * `land apply`'s plan (src/supervisor/apply-plan.ts) on real resolved configs and plans, with the environment spawn
 * builds (hydrateChildEnv): what reaches a tier's process makes it `changed`, named (env variables by name only);
 * what only the supervisor reads does not.
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hydrateChildEnv } from '../../src/config/hydrate.js';
import { resolvePlan } from '../../src/config/plan.js';
import { resolveConfig } from '../../src/config/resolve.js';
import type { BootPlan, ResolvedTier, TierConfig } from '../../src/config/types.js';
import { diffStack } from '../../src/supervisor/apply-plan.js';
import { makeTempProject, type TempProject } from '../config/temp-project.js';

let project: TempProject;
beforeEach(() => {
  project = makeTempProject('land-apply-plan-');
  project.write('profiles/debug.env', '');
});
afterEach(() => {
  project.remove();
});

function planOf(tiers: Record<string, TierConfig>): BootPlan {
  const config = resolveConfig({ tiers }, path.join(project.dir, 'land.config.ts'), 'land.config.ts');
  return resolvePlan(config, { shellEnv: { PATH: '/usr/bin:/bin', HOME: '/home/someone' } });
}

const envOf = (plan: BootPlan, config: ResolvedTier) => hydrateChildEnv(plan, config, { bootId: 'boot', traceId: 'trace', traceparent: 'parent' });

function diff(before: BootPlan, after: BootPlan, running: (group: string) => boolean = () => true) {
  return diffStack({ before, after, envOf, running });
}

const rows = (result: ReturnType<typeof diff>) => result.steps.map(({ tier, change, what, action }) => ({ tier, change, what, action }));
const run = (extra: Partial<TierConfig> = {}): TierConfig => ({ command: ['true'], ...extra });

describe('the plan of land apply', () => {
  it('an identical config, log probes and all, is unchanged; another pattern is a changed probe', () => {
    const tiers = { api: run({ ready: { log: /listening on \d+/ } }), web: run({ dependsOn: { api: 'ready' } }) };
    expect(rows(diff(planOf(tiers), planOf(tiers)))).toEqual([
      { tier: 'api', change: 'unchanged', what: [], action: 'leave it alone' },
      { tier: 'web', change: 'unchanged', what: [], action: 'leave it alone' },
    ]);
    const after = planOf({ ...tiers, api: run({ ready: { log: /listening at \d+/ } }) });
    expect(rows(diff(planOf(tiers), after))[0]).toEqual({ tier: 'api', change: 'changed', what: ['ready probe'], action: 'restart it with the new definition' });
  });

  it('stdin: true given or taken away restarts the tier: its pipe is made at the spawn', () => {
    const changed = { tier: 'repl', change: 'changed', what: ['stdin'], action: 'restart it with the new definition' };
    expect(rows(diff(planOf({ repl: run() }), planOf({ repl: run({ stdin: true }) })))).toEqual([changed]);
    expect(rows(diff(planOf({ repl: run({ stdin: true }) }), planOf({ repl: run() })))).toEqual([changed]);
  });

  it('names a changed variable, never its value; a tier not running keeps the new definition for its next start', () => {
    const before = planOf({ api: run({ env: { API_TOKEN: 'old-secret-value' } }), job: run({ env: { MODE: 'a' } }) });
    const after = planOf({ api: run({ env: { API_TOKEN: 'new-secret-value' } }), job: run({ env: { MODE: 'b' } }) });
    const result = diff(before, after, (group) => group === 'api');
    expect(rows(result)).toEqual([
      { tier: 'api', change: 'changed', what: ['env API_TOKEN'], action: 'restart it with the new definition' },
      { tier: 'job', change: 'changed', what: ['env MODE'], action: 'keep the new definition for its next start (not running)' },
    ]);
    expect(JSON.stringify(rows(result))).not.toMatch(/secret-value/);
    expect(result.steps[0]!.restart).toBe(true);
    expect(result.steps[1]!.restart).toBe(false);
  });

  it('an env file change reaches the tiers that take telemetry keys, not one with telemetryEnv: false, and is noted for land itself', () => {
    project.write('.env.Land.PostHog', 'Capture=false\n');
    const tiers = { api: run(), quiet: run({ telemetryEnv: false }) };
    const before = planOf(tiers);
    project.write('.env.Land.PostHog', 'Capture=true\n');
    const result = diff(before, planOf(tiers));
    expect(rows(result)).toEqual([
      { tier: 'api', change: 'changed', what: ['env Capture'], action: 'restart it with the new definition' },
      { tier: 'quiet', change: 'unchanged', what: [], action: 'leave it alone' },
    ]);
    expect(result.notes).toEqual([expect.stringMatching(/^Capture: land's own telemetry keeps the boot's settings/)]);
  });

  it('takes dependsOn as it is without a restart; adds, removes (naming who depended on it), gates and scales', () => {
    const before = planOf({
      db: run(),
      old: run(),
      api: run({ dependsOn: { old: 'started' } }),
      extra: run({ gate: 'Extra' }),
      web: run({ replicas: 2 }),
      one: run(),
    });
    const after = planOf({
      db: run(),
      api: run({ dependsOn: { db: 'ready' } }),
      extra: run({ gate: 'Extra', command: ['false'] }),
      web: run({ replicas: 3 }),
      one: run({ replicas: 2 }),
      cache: run({ dependsOn: { db: 'ready' } }),
    });
    expect(rows(diff(before, after))).toEqual([
      { tier: 'db', change: 'unchanged', what: [], action: 'leave it alone' },
      { tier: 'api', change: 'unchanged', what: [], action: 'leave it alone (dependsOn taken as is)' },
      { tier: 'extra', change: 'changed', what: ['command'], action: 'restart it with the new definition' },
      { tier: 'web', change: 'scaled', what: ['replicas 2 → 3'], action: 'scale 2 → 3' },
      // LAND_REPLICA is land's own, set per instance: gaining replicas is said once, as such.
      { tier: 'one', change: 'changed', what: ['replicas 2 declared'], action: 'replace its instances: stop them, start the new ones' },
      { tier: 'cache', change: 'added', what: [], action: 'start once db ready' },
      { tier: 'old', change: 'removed', what: [], action: 'stop and forget it (api depended on it)' },
    ]);
  });

  it('dropping replicas is said as such, not as a changed LAND_REPLICA (land sets it per instance); a real env change still is', () => {
    const before = planOf({ web: run({ replicas: 2 }) });
    expect(rows(diff(before, planOf({ web: run() })))).toEqual([
      { tier: 'web', change: 'changed', what: ['replicas dropped'], action: 'replace its instances: stop them, start the new ones' },
    ]);
    expect(rows(diff(before, planOf({ web: run({ env: { MODE: 'b' } }) })))).toEqual([
      { tier: 'web', change: 'changed', what: ['env MODE', 'replicas dropped'], action: 'replace its instances: stop them, start the new ones' },
    ]);
  });

  it('a tier the profile gates off now is stopped; one it no longer gates off starts', () => {
    project.write('profiles/debug.env', 'Extra=false\nOther=true\n');
    const tiers = { extra: run({ gate: 'Extra', inheritEnv: false }), other: run({ gate: 'Other', inheritEnv: false }) };
    const before = planOf(tiers);
    project.write('profiles/debug.env', 'Extra=true\nOther=false\n');
    const result = diff(before, planOf(tiers), (group) => group === 'other');
    expect(rows(result)).toEqual([
      { tier: 'extra', change: 'changed', what: ['no longer gated off (was Extra=false)', 'env Extra, Other'], action: 'start it once its dependencies are met' },
      { tier: 'other', change: 'changed', what: ['gated off (Other=false)', 'env Extra, Other'], action: 'stop it' },
    ]);
    expect(result.steps.map((step) => [step.gateOn, step.gateOff])).toEqual([[true, false], [false, true]]);
  });
  it('a new expression reschedules without a restart; gaining or losing a schedule replaces the tier; an added job is scheduled', () => {
    const job = (schedule: string) => run({ schedule, restart: { policy: 'never' } });
    const service = run({ restart: { policy: 'never' } });
    const before = planOf({ job: job('*/2 * * * * *'), web: service, tick: job('0 3 * * *') });
    const after = planOf({ job: job('*/3 * * * * *'), web: job('0 4 * * *'), tick: service, more: job('0 5 * * *') });
    const result = diff(before, after);
    expect(rows(result)).toEqual([
      { tier: 'job', change: 'changed', what: ['schedule */2 * * * * * → */3 * * * * *'], action: 'reschedule it (the run under way goes on)' },
      { tier: 'web', change: 'changed', what: ['schedule 0 4 * * * added'], action: 'replace its instances: stop them, the new one waits for its first time (0 4 * * *)' },
      { tier: 'tick', change: 'changed', what: ['schedule dropped'], action: 'replace its instances: stop them, start the new ones' },
      { tier: 'more', change: 'added', what: [], action: 'schedule it (0 5 * * *)' },
    ]);
    // The same as data (apply-words.ts words both the plan and what was done from it).
    expect(result.steps.map((step) => step.acts)).toEqual([
      [{ kind: 'reschedule', running: true }],
      [{ kind: 'replace', schedule: '0 4 * * *' }],
      [{ kind: 'replace' }],
      [{ kind: 'add', waits: [], schedule: '0 5 * * *' }],
    ]);
    expect(result.steps.map((step) => [step.tier, step.restart, step.replace])).toEqual([
      ['job', false, false],
      ['web', false, true],
      ['tick', false, true],
      ['more', false, false],
    ]);
  });
});
