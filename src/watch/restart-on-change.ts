/**
 * Restart on change: one file watcher per configured tier that has `watch` (shared by its replicas). A burst of
 * changes restarts every instance of the tier (a running one restarts, one that crashed, failed or ended starts
 * again; one stopped by a person or gated off is left alone), and with `restartDependents` the tiers depending on
 * it: they stop first, and start again in dependency order once what they depend on is ready. The supervisor owns
 * the tiers; this module only asks them to restart and keeps what `status` shows of it (WatchStatus).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ResolvedTier } from '../config/types.js';
import type { TierProcess } from '../supervisor/tier-process.js';
import type { SupervisorEvent, TierState, WatchStatus } from '../supervisor/types.js';
import { describeChange } from './describe.js';
import type { FileWatcher } from './file-watcher.js';

/** What the watcher needs from the supervisor. */
export interface ChangeHost {
  members(group: string): TierProcess[];
  /** Instances of the tiers depending on `group`, directly or not, in dependency order. */
  dependentsOf(group: string): TierProcess[];
  /** The stack is shutting down: no restart may begin. */
  stopping(): boolean;
  emit(event: SupervisorEvent): void;
}

/** States a change starts again (a running tier restarts; stopped, disabled, pending and stopping are left). */
const STARTS_AGAIN: ReadonlySet<TierState> = new Set(['exited', 'crashed', 'backoff', 'failed']);
/** A dependency is settled once ready or ended: its dependents may start (or fail on their own). */
const SETTLED: ReadonlySet<TierState> = new Set(['ready', 'exited', 'crashed', 'failed', 'stopped', 'disabled']);

interface Watched {
  config: ResolvedTier;
  status: WatchStatus;
  watcher?: FileWatcher;
  /** Restarts of one tier run one after the other: a burst during a restart restarts again afterwards. */
  queue: Promise<void>;
}

export class ChangeWatcher {
  private readonly watched = new Map<string, Watched>();
  private closed = false;

  constructor(
    configs: readonly ResolvedTier[],
    private readonly host: ChangeHost,
  ) {
    for (const config of configs) {
      if (!config.watch) continue;
      const status = { paths: config.watch.paths, restarts: 0, watching: false };
      this.watched.set(config.name, { config, status, queue: Promise.resolve() });
    }
  }

  get active(): boolean {
    return this.watched.size > 0;
  }

  /** Start watching (chokidar is loaded here, and only when some tier watches). */
  async start(): Promise<void> {
    if (this.watched.size === 0) return;
    const { watchFiles } = await import('./file-watcher.js');
    for (const [group, entry] of this.watched) {
      if (this.closed) return;
      entry.watcher = watchFiles({
        cwd: entry.config.cwd,
        spec: entry.config.watch!,
        onBurst: (files) => this.onBurst(group, entry, files),
        onError: (message) => this.host.emit({ type: 'error', tier: group, tag: 'watch-failed', message, at: Date.now() }),
      });
      void entry.watcher.ready.then(() => {
        entry.status.watching = !this.closed;
      });
    }
  }

  statusOf(group: string): WatchStatus | undefined {
    const entry = this.watched.get(group);
    return entry ? { ...entry.status, ...(entry.status.lastChange ? { lastChange: { ...entry.status.lastChange } } : {}) } : undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.watched.values()].map(async (entry) => {
      entry.status.watching = false;
      await entry.watcher?.close();
    }));
  }

  private onBurst(group: string, entry: Watched, files: string[]): void {
    if (this.closed || this.host.stopping()) return;
    entry.queue = entry.queue.then(() => this.restart(group, entry, files)).catch((error: unknown) => {
      this.host.emit({ type: 'error', tier: group, tag: 'watch-restart', message: String(error), at: Date.now() });
    });
  }

  private async restart(group: string, entry: Watched, files: string[]): Promise<void> {
    if (this.closed || this.host.stopping()) return;
    const members = this.host.members(group).filter((tier) => tier.running || STARTS_AGAIN.has(tier.state));
    if (members.length === 0) return; // stopped by a person, gated off, or still waiting for its dependencies
    const at = Date.now();
    entry.status.lastChange = { file: files[0]!, files: files.length, at };
    entry.status.restarts += 1;
    this.host.emit({ type: 'change', tier: group, files, at });
    const change = describeChange(files[0]!, files.length);
    const dependents = entry.config.watch!.restartDependents ? this.host.dependentsOf(group).filter((tier) => tier.running) : [];
    await Promise.all([...dependents].reverse().map((tier) => tier.stop(`stopped while ${group} restarts (${change})`)));
    await Promise.all(members.map((tier) => (tier.running ? tier.restart(`restarted: ${change}`) : tier.start(`started again: ${change}`))));
    for (const tier of dependents) {
      // Each dependent waits for what it depends on (restarted just now) to be ready again, in dependency order.
      await this.settled(Object.keys(tier.config.dependsOn).flatMap((name) => this.host.members(name)));
      if (this.closed || this.host.stopping()) return;
      if (!tier.running) tier.start(`restarted after ${group}: ${change}`);
    }
  }

  /** Polls (only while a restart is under way) until every tier is ready or has ended. */
  private async settled(tiers: TierProcess[]): Promise<void> {
    while (!this.closed && !this.host.stopping() && !tiers.every((tier) => SETTLED.has(tier.state))) await sleep(50);
  }
}
