/**
 * Scheduled tiers (`schedule: '0 3 * * *'`): a job land runs at each time its cron expression matches, while the
 * stack runs. Between runs the tier is `scheduled`; a run is a life like any other (spawned, logged, stopped by a
 * shutdown). A time that comes while the last run still goes is skipped, and said once, as a `[land] ` line of the
 * tier's log (and an error event marked `logged`, for telemetry): never two runs at once. A run
 * also waits for the tier's dependencies: at a time they do not hold (now: a dependency ready once and failed since
 * does not), it is skipped. A run's end, even a failure,
 * goes back to `scheduled` (tier-stop.ts afterExit): no restart policy re-runs it, and it never ends the stack.
 * `land stop` pauses the schedule (`stopped`); `land start` runs it now, and the schedule goes on after that run.
 * croner keeps the times: one timer per scheduled tier; a stack without one loads no croner (config/croner.ts).
 */
import type { Cron } from 'croner';
import { croner } from '../config/croner.js';
import { unmetDependencies } from './dependency-gates.js';
import { clockTime } from './schedule-note.js';
import type { TierProcess } from './tier-process.js';
import type { TierSet } from './tier-set.js';
import type { ScheduleStatus, SupervisorEvent } from './types.js';

export interface ScheduleHost {
  tiers: TierSet;
  emit(event: SupervisorEvent): void;
  stopping(): boolean;
}

interface Job {
  /** The instance the cron runs: `land apply` may replace it by a new one of the same name. */
  tier: TierProcess;
  cron: Cron;
  status: ScheduleStatus;
}

export class Schedules {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly host: ScheduleHost) {}

  /**
   * The crons as the tiers say now: at the boot, and after each `land apply` (which adds, removes, replaces and
   * redefines tiers). A scheduled tier without its cron gets one; one whose expression changed gets a new one (its
   * counts kept: the same tier); the cron of a tier that is gone or no longer scheduled stops. A new scheduled tier
   * still `pending` waits for its first time (`why`: what made it): the caller calls this before any state event
   * could let the scheduling pass start it. One gated off keeps its times too (they do nothing while it is
   * `disabled`): `land spawn` overrides the gate, and its schedule goes on after that run.
   */
  sync(why?: string): void {
    if (this.host.stopping()) return;
    const current = new Set(this.host.tiers.all());
    for (const [name, job] of this.jobs) {
      if (current.has(job.tier) && job.tier.config.schedule !== undefined) continue;
      job.cron.stop();
      this.jobs.delete(name);
    }
    for (const tier of current) {
      const expression = tier.config.schedule;
      if (expression === undefined) continue;
      const job = this.jobs.get(tier.name);
      if (job?.status.expression === expression) continue;
      job?.cron.stop();
      // unref: the timer never keeps land alive; the shutdown stops it anyway.
      const cron: Cron = new (croner().Cron)(expression, { unref: true }, () => this.fire(tier, cron));
      const counts = job ? { runs: job.status.runs, skipped: job.status.skipped, ...(job.status.lastSkip ? { lastSkip: job.status.lastSkip } : {}) } : { runs: 0, skipped: 0 };
      this.jobs.set(tier.name, { tier, cron, status: { ...counts, expression } });
      if (tier.state === 'pending') tier.setState('scheduled', `${why ? `${why}; ` : ''}waiting for its first time (${expression})`);
    }
  }

  /** The snapshot's `schedule` of a scheduled tier (a copy, with the next time as croner has it now). */
  statusOf(tier: TierProcess): ScheduleStatus | undefined {
    const job = this.jobs.get(tier.name);
    if (job?.tier !== tier) return undefined;
    const next = this.paused(tier) ? null : job.cron.nextRun();
    const { nextRunAt: _, ...status } = job.status;
    return { ...status, ...(next ? { nextRunAt: next.getTime() } : {}) };
  }

  /**
   * A tier a person stopped (or gated off) does not run at its times until it is started. One whose run failed to
   * spawn (`failed`) tries again at its next time, as after any failed run.
   */
  private paused(tier: TierProcess): boolean {
    return this.host.stopping() || tier.state === 'stopped' || tier.state === 'disabled';
  }

  /** One of the tier's times: run it, or say why not. */
  private fire(tier: TierProcess, cron: Cron): void {
    const job = this.jobs.get(tier.name);
    if (!job || job.cron !== cron || job.tier !== tier || this.paused(tier) || tier.removed !== undefined) return;
    const at = Date.now();
    if (tier.running) {
      const pid = tier.snapshot().pid;
      return this.skip(tier, job, at, `the last run${pid === undefined ? '' : ` (pid ${pid})`} is still going`);
    }
    // Each time asks whether they hold now: a dependency once ready that has failed since does not let a run start.
    const unmet = unmetDependencies(this.host.tiers, tier, 'now');
    if (unmet.length > 0) return this.skip(tier, job, at, `waiting for its dependencies (${unmet.map((entry) => entry.text).join(', ')})`);
    job.status.runs += 1;
    tier.startFresh(`scheduled run at ${clockTime(at)} (${job.status.expression})`);
  }

  private skip(tier: TierProcess, job: Job, at: number, why: string): void {
    job.status.skipped += 1;
    job.status.lastSkip = { at, reason: why };
    const message = `the run due at ${clockTime(at)} was skipped: ${why}`;
    // A line of the tier's log, where every view of it shows it (the printer, the UI's pane, `land logs job` also
    // after the stack stopped, the log file); the error event (telemetry's `land:job:error`) says it is logged.
    tier.noteInLog(message);
    this.host.emit({ type: 'error', tier: tier.name, tag: 'schedule-skipped', message, at, logged: true });
  }

  /** The shutdown: no time starts a run any more (what runs is stopped as every tier is). */
  close(): void {
    for (const job of this.jobs.values()) job.cron.stop();
  }
}
