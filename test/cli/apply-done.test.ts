/** `land apply` says what it did in the past tense; `--dry-run` keeps the plan's wording (src/cli/apply-done.ts). */
import { describe, expect, it } from 'vitest';
import { doneWording } from '../../src/cli/apply-done.js';
import { renderApply } from '../../src/cli/apply.js';
import type { ApplyResult } from '../../src/supervisor/types.js';

describe('apply: the plan said as done', () => {
  it('turns every action the planner words into what was done, clause by clause', () => {
    const cases: Array<[string, string]> = [
      ['restart it with the new definition', 'restarted with the new definition'],
      ['replace its instances: stop them, start the new ones', 'replaced its instances: stopped them, started the new ones'],
      ['replace its instances: stop them, the new one waits for its first time (0 * * * *)', 'replaced its instances: stopped them, the new one waits for its first time (0 * * * *)'],
      ['replace its instances (not started: Spawn=false)', 'replaced its instances (not started: Spawn=false)'],
      ['stop and forget it (side depended on it)', 'stopped and forgot it (side depended on it)'],
      ['forget it', 'forgot it'],
      ['stop it', 'stopped it'],
      ['gate it off', 'gated it off'],
      ['start it once its dependencies are met', 'starting it once its dependencies are met'],
      ['start once api ready, db healthy', 'starting once api ready, db healthy'],
      ['start', 'starting'],
      ['not started (Spawn=false)', 'not started (Spawn=false)'],
      ['schedule it (*/5 * * * *)', 'scheduled it (*/5 * * * *)'],
      ['reschedule it (the run under way goes on), restart it with the new definition', 'rescheduled it (the run under way goes on), restarted with the new definition'],
      ['keep the new definition for its next start (not running), scale 2 → 3', 'kept the new definition for its next start (not running), scaled 2 → 3'],
      ['keep the new definition (not started: Spawn=false)', 'kept the new definition (not started: Spawn=false)'],
      ['leave it alone (dependsOn, description taken as is)', 'left it alone (dependsOn, description taken as is)'],
    ];
    for (const [plan, done] of cases) expect(doneWording(plan), plan).toBe(done);
  });

  it('prints the plan with --dry-run and what was done without', () => {
    const result: ApplyResult = {
      ok: true,
      dryRun: true,
      config: 'land.config.ts',
      profile: 'debug',
      steps: [{ tier: 'api', change: 'changed', what: ['env FOO'], action: 'restart it with the new definition' }],
      notes: [],
      tiers: [],
    };
    expect(renderApply(result)).toMatch(/^ {2}~ api {2}changed \(env FOO\): restart it with the new definition$/m);
    expect(renderApply({ ...result, dryRun: false })).toMatch(/^ {2}~ api {2}changed \(env FOO\): restarted with the new definition$/m);
  });
});
