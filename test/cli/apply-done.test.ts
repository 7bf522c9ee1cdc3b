/**
 * `land apply` says what it did in the past tense; `--dry-run` keeps the plan's wording. Both, and the watch-config
 * summary's verbs, are made from each step's acts (src/supervisor/apply-words.ts), never read back from the wording.
 */
import { describe, expect, it } from 'vitest';
import { doneWording } from '../../src/cli/apply-done.js';
import { renderApply } from '../../src/cli/apply.js';
import { sayActs, verbOf } from '../../src/supervisor/apply-words.js';
import type { ApplyAct, ApplyResult, ApplyStep } from '../../src/supervisor/types.js';
import { describeApplied } from '../../src/watch/apply-summary.js';

describe('apply: the plan said as done', () => {
  it('says every act the planner makes as a plan and as done', () => {
    const cases: Array<[ApplyAct[], string, string]> = [
      [[{ kind: 'restart' }], 'restart it with the new definition', 'restarted with the new definition'],
      [[{ kind: 'replace' }], 'replace its instances: stop them, start the new ones', 'replaced its instances: stopped them, started the new ones'],
      [[{ kind: 'replace', schedule: '0 * * * *' }], 'replace its instances: stop them, the new one waits for its first time (0 * * * *)', 'replaced its instances: stopped them, the new one waits for its first time (0 * * * *)'],
      [[{ kind: 'replace', gatedBy: 'Spawn=false' }], 'replace its instances (not started: Spawn=false)', 'replaced its instances (not started: Spawn=false)'],
      [[{ kind: 'remove', running: true, dependents: ['side'] }], 'stop and forget it (side depended on it)', 'stopped and forgot it (side depended on it)'],
      [[{ kind: 'remove', running: false, dependents: [] }], 'forget it', 'forgot it'],
      [[{ kind: 'gate-off', running: true }], 'stop it', 'stopped it'],
      [[{ kind: 'gate-off', running: false }], 'gate it off', 'gated it off'],
      [[{ kind: 'gate-on' }], 'start it once its dependencies are met', 'starting it once its dependencies are met'],
      [[{ kind: 'gate-on', schedule: '*/5 * * * *' }], 'schedule it (*/5 * * * *)', 'scheduled it (*/5 * * * *)'],
      [[{ kind: 'add', waits: ['api ready', 'db healthy'] }], 'start once api ready, db healthy', 'starting once api ready, db healthy'],
      [[{ kind: 'add', waits: [] }], 'start', 'starting'],
      [[{ kind: 'add', waits: [], schedule: '*/5 * * * *' }], 'schedule it (*/5 * * * *)', 'scheduled it (*/5 * * * *)'],
      [[{ kind: 'not-started', gatedBy: 'Spawn=false' }], 'not started (Spawn=false)', 'not started (Spawn=false)'],
      [
        [{ kind: 'reschedule', running: true }, { kind: 'restart' }],
        'reschedule it (the run under way goes on), restart it with the new definition',
        'rescheduled it (the run under way goes on), restarted with the new definition',
      ],
      [[{ kind: 'keep' }, { kind: 'scale', from: 2, to: 3 }], 'keep the new definition for its next start (not running), scale 2 → 3', 'kept the new definition for its next start (not running), scaled 2 → 3'],
      [[{ kind: 'keep', gatedBy: 'Spawn=false' }], 'keep the new definition (not started: Spawn=false)', 'kept the new definition (not started: Spawn=false)'],
      [[{ kind: 'leave', inPlace: ['dependsOn', 'description'] }], 'leave it alone (dependsOn, description taken as is)', 'left it alone (dependsOn, description taken as is)'],
      [[{ kind: 'leave', inPlace: [] }], 'leave it alone', 'left it alone'],
    ];
    for (const [acts, plan, done] of cases) {
      expect(sayActs(acts, 'plan'), plan).toBe(plan);
      expect(sayActs(acts, 'done'), plan).toBe(done);
    }
  });

  it('prints the plan with --dry-run and what was done without', () => {
    const result: ApplyResult = {
      ok: true,
      dryRun: true,
      config: 'land.config.ts',
      profile: 'debug',
      steps: [{ tier: 'api', change: 'changed', what: ['env FOO'], action: 'restart it with the new definition', acts: [{ kind: 'restart' }] }],
      notes: [],
      tiers: [],
    };
    expect(renderApply(result)).toMatch(/^ {2}~ api {2}changed \(env FOO\): restart it with the new definition$/m);
    expect(renderApply({ ...result, dryRun: false })).toMatch(/^ {2}~ api {2}changed \(env FOO\): restarted with the new definition$/m);
  });

  it('the done line and the save summary follow the acts whatever the plan says: a new wording leaves neither behind', () => {
    // The plan worded otherwise than when the summary and the CLI matched on its phrases (`restart it`, `^stop it`…).
    const step = (tier: string, acts: ApplyAct[], action: string): ApplyStep => ({ tier, change: 'changed', what: ['command'], action, acts });
    const result: ApplyResult = {
      ok: true,
      dryRun: false,
      config: 'land.config.ts',
      profile: 'debug',
      steps: [
        step('api', [{ kind: 'restart' }], 'bring it back up with its new definition'),
        step('web', [{ kind: 'replace' }], 'make its instances again'),
        step('job', [{ kind: 'gate-off', running: true }], 'halt it'),
        step('cron', [{ kind: 'reschedule', running: false }], 'new times'),
        step('side', [{ kind: 'gate-on' }], 'begin it when its dependencies hold'),
      ],
      notes: [],
      tiers: [],
    };
    expect(describeApplied(result, 'land.config.ts')).toBe(
      'land.config.ts saved; applied: restarted api (command); replaced web (command); stopped job (command); rescheduled cron (command); started side (command)',
    );
    expect(renderApply(result)).toMatch(/^ {2}~ api +changed \(command\): restarted with the new definition$/m);
    expect(renderApply(result)).toMatch(/^ {2}~ job +changed \(command\): stopped it$/m);
    // An answer without acts (a land from before them): printed as planned.
    expect(doneWording({ action: 'restart it with the new definition' } as ApplyStep)).toBe('restart it with the new definition');
    expect(verbOf({ change: 'unchanged', acts: [{ kind: 'leave', inPlace: [] }] })).toBeUndefined();
  });
});
