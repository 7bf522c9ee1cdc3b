/**
 * An apply's answer in one line, for a save `land up --watch-config` applied: what was added, removed, restarted,
 * changed without a restart, and scaled (`land apply` prints a line per tier; a save wants one line in the output).
 * The verbs come from each step's acts (supervisor/apply-words.ts), not from the plan's wording.
 */
import { verbOf } from '../supervisor/apply-words.js';
import { summarizeStillRunning } from '../supervisor/left-behind.js';
import type { ApplyResult, ApplyStep } from '../supervisor/types.js';

const why = (step: ApplyStep) => (step.what.length > 0 ? ` (${step.what.join('; ')})` : '');

export function describeApplied(result: ApplyResult, file: string): string {
  const parts = result.steps.flatMap((step) => {
    const verb = verbOf(step);
    return verb === undefined ? [] : [`${verb} ${step.tier}${step.change === 'added' || step.change === 'removed' ? '' : why(step)}`];
  });
  const done = parts.length > 0 ? parts.join('; ') : 'no tier changed';
  const notes = result.notes.length > 0 ? ` (note: ${result.notes.join('; ')})` : '';
  const left = result.left ? `; still running, land could not stop them: ${summarizeStillRunning(result.left)}` : '';
  return `${file} saved; applied: ${done}${left}${notes}`;
}
