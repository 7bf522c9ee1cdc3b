/**
 * `land apply` prints its plan after acting on it: each step said as done, made from its acts as the plan's wording
 * is (src/supervisor/apply-words.ts: both tenses of each phrase side by side). An answer without acts (a land from
 * before them still running the stack) is printed as planned.
 */
import { sayActs } from '../supervisor/apply-words.js';
import type { ApplyStep } from '../supervisor/types.js';

/** `restart it with the new definition` → `restarted with the new definition`. */
export function doneWording(step: Pick<ApplyStep, 'action' | 'acts'>): string {
  return Array.isArray(step.acts) ? sayActs(step.acts, 'done') : step.action;
}
