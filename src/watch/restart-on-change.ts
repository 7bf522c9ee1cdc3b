/**
 * Restart on change: one file watcher per configured tier that has `watch` (shared by its replicas). A burst of
 * changes restarts every instance of the tier (a running one restarts, one that crashed, failed or ended starts
 * again; one stopped by a person or gated off is left alone), and with `restartDependents` the tiers depending on
 * it: they stop first, and start again in dependency order once what they depend on is ready. The supervisor owns
 * the tiers; this module only asks them to restart and keeps what `status` shows of it (WatchStatus): the watch is
 * the tier's, the restarts and last change each instance's own (a replica `land scale` adds later had none).
 * A tier with several replicas rolls, as `land reload` does (rolling-reload.ts): one replica at a time, each ready
 * before the next, so the others serve meanwhile; one whose new life is not ready stops the roll (said as an error).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ResolvedTier } from '../config/types.js';
import { rollInstances } from '../supervisor/rolling-reload.js';
import type { TierProcess } from '../supervisor/tier-process.js';
import type { ReloadStep, SupervisorEvent, TierState, WatchStatus } from '../supervisor/types.js';
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
  /** The supervisor's events: a roll waits for each replica's new life to be ready. */
  subscribe(listener: (event: SupervisorEvent) => void): () => void;
}

/** States a change starts again (a running tier restarts; stopped, disabled, pending and stopping are left). */
const STARTS_AGAIN: ReadonlySet<TierState> = new Set(['exited', 'crashed', 'backoff', 'failed']);
/** A dependency is settled once ready or ended: its dependents may start (or fail on their own). */
const SETTLED: ReadonlySet<TierState> = new Set(['ready', 'exited', 'crashed', 'failed', 'stopped', 'disabled', 'scheduled']);

/** What one instance went through: the restarts changes caused it, and the last change that did. */
type Restarted = Pick<WatchStatus, 'restarts' | 'lastChange'>;

interface Watched {
  config: ResolvedTier;
  /** The tier's watch: its paths and whether the initial scan is done. */
  status: Pick<WatchStatus, 'paths' | 'watching'>;
  watcher?: FileWatcher;
  /** Restarts of one tier run one after the other: a burst during a restart restarts again afterwards. */
  queue: Promise<void>;
}

export class ChangeWatcher {
  private readonly watched = new Map<string, Watched>();
  /** By instance, not by name: a replica removed and added again by `land scale` is a new TierProcess, with none. */
  private readonly restarted = new WeakMap<TierProcess, Restarted>();
  private closed = false;

  constructor(
    configs: readonly ResolvedTier[],
    private readonly host: ChangeHost,
  ) {
    for (const config of configs) {
      if (!config.watch) continue;
      const status = { paths: config.watch.paths, watching: false };
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

  /** The watch of an instance's tier (`group`), with what it caused that instance. */
  statusOf(group: string, tier: TierProcess): WatchStatus | undefined {
    const entry = this.watched.get(group);
    if (!entry) return undefined;
    const own = this.restarted.get(tier);
    return { ...entry.status, restarts: own?.restarts ?? 0, ...(own?.lastChange ? { lastChange: { ...own.lastChange } } : {}) };
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
    const count = (tier: TierProcess) => {
      const own = this.restarted.get(tier);
      this.restarted.set(tier, { restarts: (own?.restarts ?? 0) + 1, lastChange: { file: files[0]!, files: files.length, at } });
    };
    const rolls = members.length > 1 && members[0]!.config.group !== undefined;
    // A roll counts each replica as its step ends: one it stopped before is left as it was (not restarted).
    if (!rolls) members.forEach(count);
    this.host.emit({ type: 'change', tier: group, files, at });
    const change = describeChange(files[0]!, files.length);
    const dependents = entry.config.watch!.restartDependents ? this.host.dependentsOf(group).filter((tier) => tier.running) : [];
    await Promise.all([...dependents].reverse().map((tier) => tier.stop(`stopped while ${group} restarts (${change})`)));
    if (rolls) await this.roll(group, members, change, count);
    else await Promise.all(members.map((tier) => (tier.running ? tier.restart(`restarted: ${change}`) : tier.start(`started again: ${change}`))));
    for (const tier of dependents) {
      // Each dependent waits for what it depends on (restarted just now) to be ready again, in dependency order.
      await this.settled(Object.keys(tier.config.dependsOn).flatMap((name) => this.host.members(name)));
      if (this.closed || this.host.stopping()) return;
      if (!tier.running) tier.start(`restarted after ${group}: ${change}`);
    }
  }

  /** Replicas one at a time; a replica whose new life is not ready stops the roll, and the error event says so. */
  private async roll(group: string, members: TierProcess[], change: string, count: (tier: TierProcess) => void): Promise<void> {
    const stopping = () => this.closed || this.host.stopping();
    const host = {
      subscribe: (listener: (event: SupervisorEvent) => void) => this.host.subscribe(listener),
      get shuttingDown() {
        return stopping();
      },
    };
    const onStep = (step: ReloadStep) => {
      const tier = members.find((member) => member.name === step.name);
      if (tier && step.outcome !== 'untouched') count(tier);
    };
    const { steps } = await rollInstances(members, `restarted: ${change}`, { host, onStep });
    const failed = steps.find((step) => step.outcome === 'failed');
    if (!failed) return;
    const untouched = steps.filter((step) => step.outcome === 'untouched').map((step) => step.name);
    const rest = untouched.length > 0 ? `; ${untouched.join(', ')} keep${untouched.length === 1 ? 's' : ''} the old process` : '';
    const message = `${failed.name} did not become ready after ${change} (${failed.state}: ${failed.reason}): the roll stopped${rest}`;
    this.host.emit({ type: 'error', tier: group, tag: 'watch-restart', message, at: Date.now() });
  }

  /** Polls (only while a restart is under way) until every tier is ready or has ended. */
  private async settled(tiers: TierProcess[]): Promise<void> {
    while (!this.closed && !this.host.stopping() && !tiers.every((tier) => SETTLED.has(tier.state))) await sleep(50);
  }
}
