/**
 * `land apply [--dry-run]`: the running land reads its config again (the file, profile and tiers it was started
 * with) and acts on what changed (src/supervisor/apply.ts); this prints its plan, one line per tier, and what it did.
 */
import { requestJson } from '../control/client.js';
import type { ApplyResult, ApplyStep } from '../supervisor/apply-plan.js';
import { doneWording } from './apply-done.js';
import { sayLeftBehind } from './control-commands.js';
import { withStack, type TargetOptions } from './control-target.js';

const MARKS: Record<ApplyStep['change'], string> = { added: '+', removed: '-', changed: '~', scaled: '~', unchanged: '=' };

/** The plan as printed: `~ api  changed (command, env FOO): restart it with the new definition` (applied: `restarted with …`). */
export function renderApply(result: ApplyResult): string {
  const width = Math.max(0, ...result.steps.map((step) => step.tier.length));
  const head = result.dryRun
    ? `land: apply --dry-run: ${result.config} (profile ${result.profile}); nothing was changed`
    : `land: applied ${result.config} (profile ${result.profile})`;
  const lines = result.steps.map((step) => {
    const { tier, change, what } = step;
    const why = what.length > 0 ? ` (${what.join('; ')})` : '';
    return `  ${MARKS[change]} ${tier.padEnd(width)}  ${change}${why}: ${result.dryRun ? step.action : doneWording(step)}`;
  });
  const notes = result.notes.map((note) => `land: note: ${note}`);
  return `${[head, ...lines, ...notes].join('\n')}\n`;
}

export async function applyCommand(options: TargetOptions & { dryRun?: boolean }): Promise<number> {
  const path = options.dryRun ? '/apply?dryRun=1' : '/apply';
  const result = await withStack(options, ({ socket }) => requestJson<ApplyResult>(socket, 'POST', path));
  process.stdout.write(renderApply(result));
  return sayLeftBehind(result.left);
}
