/**
 * `land apply` prints its plan after acting on it: each step's action (worded as a plan by
 * src/supervisor/apply-plan.ts, which `--dry-run`, the JSON answer and apply-summary.ts keep) said as done.
 * A clause starts the action or follows `, ` or `: `; what is not listed here (`not started (…)`, `the new one waits
 * for …`) reads the same either way.
 */
const DONE: Array<[RegExp, string]> = [
  [/^restart it with/, 'restarted with'],
  [/^replace its instances/, 'replaced its instances'],
  [/^stop them/, 'stopped them'],
  [/^start the new ones/, 'started the new ones'],
  [/^stop and forget it/, 'stopped and forgot it'],
  [/^forget it/, 'forgot it'],
  [/^stop it/, 'stopped it'],
  [/^gate it off/, 'gated it off'],
  [/^start it once/, 'starting it once'],
  [/^start once/, 'starting once'],
  [/^start$/, 'starting'],
  [/^schedule it/, 'scheduled it'],
  [/^reschedule it/, 'rescheduled it'],
  [/^keep the new definition/, 'kept the new definition'],
  [/^scale /, 'scaled '],
  [/^leave it alone/, 'left it alone'],
];

/** `restart it with the new definition` → `restarted with the new definition`, clause by clause. */
export function doneWording(action: string): string {
  return action.replace(/(^|, |: )([^,:]*)/g, (_whole, lead: string, clause: string) => {
    const rule = DONE.find(([plan]) => plan.test(clause));
    return lead + (rule ? clause.replace(rule[0], rule[1]) : clause);
  });
}
