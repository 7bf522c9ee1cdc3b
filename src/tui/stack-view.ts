/**
 * What the UI shows of the supervisor (`DataView`) and how it is kept current: events only mark it dirty, and a
 * refresh (at most every 100 ms) re-reads the snapshot and renders only when something visible changed. Uptimes and
 * countdowns advance by a timer set for the moment their text changes (ticks.ts); a slow poll picks up the counters no
 * event announces; the usage sampler feeds CPU and memory. The App's side is use-stack-view.ts.
 */
import { oneLine } from '../errors.js';
import { HEARTBEAT_MS, onEveryNthHeartbeat } from '../runtime/heartbeat.js';
import type { StackSnapshot, SupervisorControl } from '../supervisor/types.js';
import { startUsageSampler, usageRootsOf, type UsageByPid } from '../usage/tree-usage.js';
import type { Status } from './components/footer.js';
import { formatBytes, formatPercent } from './format.js';
import { ALL } from './pane-actions.js';
import type { PaneLines } from './pane-lines.js';
import { createRefreshScheduler, type RefreshScheduler } from './refresh.js';
import { createTickTimer, nextChangeIn, type TickTimer } from './ticks.js';
import { isAlive } from './tier-view.js';

/** What the UI shows of the supervisor: replaced (never mutated) when something visible changed. */
export interface DataView {
  snapshot: StackSnapshot;
  /** The snapshot's key without its tiers' last lines (linesKey): a flood moves those alone, in place (live-cells.ts). */
  snapshotKey: string;
  linesKey: string;
  /** The part of snapshotKey that changes without an event: the telemetry and receiver counters. */
  countersKey: string;
  now: number;
  /** When the time-dependent text of this view (uptimes, countdowns) next changes. */
  changesAt: number;
  /** The pane's buffer's version: lines added or changed in place. */
  paneVersion: number;
  usage: UsageByPid;
  usageKey: string;
}

/** At most one frame a second for the clock's sake. */
const MIN_TICK_MS = 1000;
/** How often the snapshot is read for what no event announces (telemetry and receiver counters). */
const POLL_MS = 2000;

/** A snapshot's key but its tiers' last lines (`lastLine` is a tier's field only). */
function snapshotKeyOf(snapshot: StackSnapshot): string {
  return JSON.stringify(snapshot, (key, value: unknown) => (key === 'lastLine' ? undefined : value));
}

/** The tiers' last lines: what a log flood changes at every refresh. */
function linesKeyOf(snapshot: StackSnapshot): string {
  return JSON.stringify(snapshot.tiers.map((tier) => tier.lastLine ?? null));
}

/** What the poll compares while no event came: the counters the header shows, which move without one. */
function countersKeyOf(snapshot: Pick<StackSnapshot, 'telemetry' | 'receiver'>): string {
  return JSON.stringify([snapshot.telemetry, snapshot.receiver ?? null]);
}

function usageKeyOf(usage: UsageByPid): string {
  return [...usage].map(([pid, tree]) => `${pid}:${formatPercent(tree.cpu)}:${formatBytes(tree.memory)}`).join(',');
}

/**
 * How a refresh reads the stack: 'all' (the snapshot, kept when its key changed), 'counters' (the snapshot, kept when
 * the counters changed: what an idle stack's poll needs), 'none' (only the clock and the log pane).
 */
type Reread = 'all' | 'counters' | 'none';

/** What the view needs of the App, set at each render (the newest props and callbacks). */
export interface ViewHost {
  control: SupervisorControl;
  clock: () => number;
  /** Render `view`. */
  render: (view: DataView) => void;
  /** Rewrite the live cells for `view` without a frame; false when a frame is needed (use-live-cells.ts). */
  paint: (view: DataView) => boolean;
  setStatus: (status: Status) => void;
  /** The stack ended: leave the UI once the frame showing it is out. */
  end: () => void;
  /** `q` was pressed already: a shutdown is the UI's own, no need to say why. */
  quitting: () => boolean;
}

export class StackView {
  /** The newest view (the rendered one, or newer where live cells were rewritten in place since). */
  readonly viewRef: { current: DataView };
  /** The open pane's tier (ALL: the merged view) and its lines: log events are added to them. */
  readonly paneTierRef: { current: string | null } = { current: null };
  readonly bufferRef: { current: PaneLines | null } = { current: null };
  mounted = true;
  readonly scheduler: RefreshScheduler;
  private readonly ticks: TickTimer;
  private stackEnded = false;
  private exited = false;
  private lastTick = -Infinity;
  private lastEventAt = -Infinity;

  constructor(
    public host: ViewHost,
    refreshMs: number,
  ) {
    const snapshot = host.control.snapshot();
    const now = host.clock();
    const changesAt = now + nextChangeIn(snapshot, now);
    const keys = { snapshotKey: snapshotKeyOf(snapshot), linesKey: linesKeyOf(snapshot), countersKey: countersKeyOf(snapshot) };
    this.viewRef = { current: { snapshot, ...keys, now, changesAt, paneVersion: 0, usage: new Map(), usageKey: '' } };
    this.scheduler = createRefreshScheduler(() => this.refresh(), refreshMs);
    // A tick for the clock's sake re-reads the stack's state only while events are recent: a state that changed
    // without one (telemetry counters, a remote stack's snapshot that follows its event) is read by the poll or the
    // event's own refresh, so an idle stack's ticks build no snapshot (and no JSON key of it) every second.
    this.ticks = createTickTimer(() => this.refresh(this.eventsWithin(POLL_MS) ? 'all' : 'none'));
  }

  private eventsWithin(ms: number): boolean {
    return Date.now() - this.lastEventAt < ms;
  }

  private commit(next: DataView): void {
    this.viewRef.current = next;
    this.host.render(next);
  }

  /** Show `next`, which differs from the view on screen only in the clock and the usage: in place if it can be. */
  private show(next: DataView): void {
    if (this.host.paint(next)) this.viewRef.current = next;
    else this.commit(next);
  }

  /** The snapshot, its keys and counters as `reread` says: the previous ones when nothing visible changed. */
  private reread(previous: DataView, reread: Reread): Pick<DataView, 'snapshot' | 'snapshotKey' | 'linesKey' | 'countersKey'> {
    const { snapshot, snapshotKey, linesKey, countersKey } = previous;
    const kept = { snapshot, snapshotKey, linesKey, countersKey };
    if (reread === 'none') return kept;
    const { control } = this.host;
    try {
      // An idle stack's poll reads the counters alone where the stack gives them: no snapshot while they stay put.
      const still = reread === 'counters' && control.counters !== undefined && countersKeyOf(control.counters()) === countersKey;
      const fresh = still ? snapshot : control.snapshot();
      const freshCounters = fresh === snapshot ? countersKey : countersKeyOf(fresh);
      // While no event came only the counters move: an idle stack's poll builds no key of the whole snapshot.
      if (fresh !== snapshot && (reread === 'all' || freshCounters !== countersKey)) {
        const freshKey = snapshotKeyOf(fresh);
        const freshLines = linesKeyOf(fresh);
        if (freshKey !== snapshotKey || freshLines !== linesKey) {
          return { snapshot: fresh, snapshotKey: freshKey, linesKey: freshLines, countersKey: freshCounters };
        }
      }
    } catch (error) {
      this.host.setStatus({ text: `cannot read the stack's state: ${oneLine(error)}`, kind: 'error' });
    }
    return kept;
  }

  /** Re-read the stack as `reread` says and the clock and the log pane; render only if something visible changed. */
  refresh(reread: Reread = 'all'): void {
    if (!this.mounted) return;
    const previous = this.viewRef.current;
    const read = this.reread(previous, reread);
    const now = this.host.clock();
    const paneVersion = this.bufferRef.current?.version ?? 0;
    const due = now >= previous.changesAt;
    if (read.snapshot !== previous.snapshot || paneVersion !== previous.paneVersion || due) {
      const next = { ...previous, ...read, now, changesAt: now + nextChangeIn(read.snapshot, now), paneVersion };
      // Only the clock or the tiers' last lines moved (a log flood with no pane open): in place if it can be.
      if (read.snapshotKey === previous.snapshotKey && paneVersion === previous.paneVersion) this.show(next);
      else this.commit(next);
      if (due) this.lastTick = now;
    }
    // The next frame for the clock's sake: when the text changes, and at most one a second (the uptimes of tiers
    // started at different moments would otherwise each have their own).
    const wait = Math.max(this.viewRef.current.changesAt - now, this.lastTick + MIN_TICK_MS - now, 0);
    this.ticks.schedule(wait + 1);
    if (this.stackEnded) this.finish();
  }

  /** Leave the UI once, after the frame showing the final state has been drawn (the App's ending effect). */
  finish(): void {
    if (this.exited) return;
    this.exited = true;
    this.host.end();
  }

  /** Follow the stack: its events, the poll, the usage sampler. Returns what stops them all. */
  start(sampleUsage: boolean): () => void {
    this.mounted = true;
    const unsubscribe = this.host.control.subscribe((event) => {
      const paneTier = this.paneTierRef.current;
      if (event.type === 'log' && (event.tier === paneTier || paneTier === ALL)) {
        this.bufferRef.current?.add(event.stream, event.lines, event.cut, paneTier === ALL ? event.tier : undefined);
      } else if (event.type === 'shutdown' && event.phase === 'begin' && !this.host.quitting()) {
        // Stopped from elsewhere (`land down`, a signal, `--exit-with`'s tier ending): say why, on one line.
        this.host.setStatus({ text: `shutting down: ${event.reason}`, kind: 'info' });
      } else if (event.type === 'config' && event.ok) {
        // A save applied: said once (a refusal is the banner the snapshot keeps until a save applies).
        this.host.setStatus({ text: `config: ${event.message}`, kind: 'info' });
      } else if (event.type === 'shutdown' && event.phase === 'end') {
        // The stack is gone (shut down from elsewhere, or the one we watch went away): nothing left to show.
        this.stackEnded = true;
      }
      this.lastEventAt = Date.now();
      this.scheduler.mark();
    });
    // Telemetry and receiver counters change without an event: read them now and then (the whole state too when an
    // event came since the last poll), on land's heartbeat: in a wake-up land has anyway (src/runtime/heartbeat.ts).
    const stopPoll = onEveryNthHeartbeat(POLL_MS / HEARTBEAT_MS, () => this.refresh(this.eventsWithin(2 * POLL_MS) ? 'all' : 'counters'));
    const sampler = sampleUsage ? this.sampleUsage() : undefined;
    // Anything that happened between the first snapshot and subscribing.
    this.scheduler.mark();
    return () => {
      this.mounted = false;
      unsubscribe();
      this.scheduler.stop();
      stopPoll();
      this.ticks.stop();
      sampler?.stop();
    };
  }

  private sampleUsage(): { stop: () => void } {
    let lastSample: UsageByPid | undefined;
    return startUsageSampler({
      pids: () => this.viewRef.current.snapshot.tiers.filter(isAlive).flatMap((tier) => usageRootsOf(tier)),
      onSample: (usage) => {
        // The sampler gives its last map again when no tree's usage moved: nothing to format or compare.
        if (usage === lastSample) return;
        lastSample = usage;
        const usageKey = usageKeyOf(usage);
        if (this.mounted && usageKey !== this.viewRef.current.usageKey) this.show({ ...this.viewRef.current, usage, usageKey });
      },
    });
  }
}
