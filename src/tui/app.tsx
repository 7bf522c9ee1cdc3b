/**
 * The land terminal UI. It reads the supervisor only through SupervisorControl (snapshot + events) and sends
 * commands back through it; the only state it keeps is its own: selection, log pane, scroll, help, status line.
 *
 * Rendering is driven by a 100 ms refresh throttle: events only mark the view dirty, and a refresh re-reads the
 * snapshot and re-renders only when something visible changed. Uptimes and countdowns advance by a timer set for
 * the moment their text changes (ticks.ts); a slow poll picks up the counters no event announces.
 */
import { Box, useInput, useStdin, type Key } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { oneLine } from '../errors.js';
import type { StackSnapshot, SupervisorControl } from '../supervisor/types.js';
import { Footer, type Status } from './components/footer.js';
import { Header } from './components/header.js';
import { Help } from './components/help.js';
import { LogPane, TIER_PALETTE } from './components/log-pane.js';
import { TierTable } from './components/tier-table.js';
import { formatBytes, formatPercent } from './format.js';
import { rowBudget, tierColumns } from './layout.js';
import { handleKey } from './key-handler.js';
import { splitKeys } from './split-keys.js';
import type { LiveLayout } from './live-cells.js';
import { paneWindow } from './log-buffer.js';
import { ALL, paneActions, paneSource, type PaneState } from './pane-actions.js';
import type { PaneLines } from './pane-lines.js';
import { promptText, type Prompt } from './prompt.js';
import { createRefreshScheduler } from './refresh.js';
import { stackActions } from './stack-actions.js';
import { createTickTimer, nextChangeIn } from './ticks.js';
import { useLiveCells } from './use-live-cells.js';
import { useResizeRedraw } from './use-resize-redraw.js';
import { useSuspend } from './use-suspend.js';
import { useLatestState, useTerminalSize } from './hooks.js';
import { isAlive } from './tier-view.js';
import { startUsageSampler, usageRootsOf, type UsageByPid } from '../usage/tree-usage.js';
import { HEARTBEAT_MS, onEveryNthHeartbeat } from '../runtime/heartbeat.js';

export interface AppProps {
  control: SupervisorControl;
  mode: 'up' | 'watch';
  /** Called once when the UI is done (quit in watch mode, shutdown settled in up mode, or the stack shut down). */
  onExit?: () => void;
  /** Override the terminal size (tests); otherwise stdout's, following resizes. */
  columns?: number;
  rows?: number;
  /** Clock for uptimes and countdowns (tests pin it). */
  clock?: () => number;
  /** Sample process-tree CPU/memory every 2 s (default true). */
  sampleUsage?: boolean;
  /** Minimum time between refreshes (default 100 ms: at most ~10 frames a second). */
  refreshMs?: number;
  /** Lines kept per open log pane (default 2000). */
  logCapacity?: number;
  /**
   * Rewrite the uptimes and the CPU and memory cells in place when nothing else changed, instead of drawing a frame
   * (live-cells.ts). Only where ink draws on a real terminal as usual (runTui): not in ink's debug mode, not where a
   * test reads whole frames.
   */
  liveCells?: boolean;
}

/** What the UI shows of the supervisor: replaced (never mutated) when something visible changed. */
interface DataView {
  snapshot: StackSnapshot;
  /** The snapshot's key without its tiers' last lines (linesKey): a flood moves those alone, in place (live-cells.ts). */
  snapshotKey: string;
  linesKey: string;
  /** The part of snapshotKey that changes without an event: the telemetry and receiver counters. */
  countersKey: string;
  now: number;
  /** When the time-dependent text of this view (uptimes, countdowns) next changes. */
  changesAt: number;
  /** Sequence number one past the newest line in the open pane's buffer. */
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

/**
 * How a refresh reads the stack: 'all' (the snapshot, kept when its key changed), 'counters' (the snapshot, kept when
 * the counters changed: what an idle stack's poll needs), 'none' (only the clock and the log pane).
 */
type Reread = 'all' | 'counters' | 'none';

function usageKeyOf(usage: UsageByPid): string {
  return [...usage].map(([pid, tree]) => `${pid}:${formatPercent(tree.cpu)}:${formatBytes(tree.memory)}`).join(',');
}

export function App(props: AppProps) {
  const { control, mode } = props;
  const clock = props.clock ?? Date.now;
  const { isRawModeSupported } = useStdin();
  const { columns, rows } = useTerminalSize(props.columns, props.rows);

  const [view, setView] = useState<DataView>(() => {
    const snapshot = control.snapshot();
    const now = clock();
    const changesAt = now + nextChangeIn(snapshot, now);
    const keys = { snapshotKey: snapshotKeyOf(snapshot), linesKey: linesKeyOf(snapshot), countersKey: countersKeyOf(snapshot) };
    return { snapshot, ...keys, now, changesAt, paneVersion: 0, usage: new Map(), usageKey: '' };
  });
  // UI state the key handler reads through refs: keys can arrive faster than renders (key repeat, a slow
  // machine), and each key must see what the previous one did.
  const [selectedName, setSelectedName, selectedRef] = useLatestState<string | undefined>(view.snapshot.tiers[0]?.name);
  const [pane, setPane, paneRef] = useLatestState<PaneState | null>(null);
  const [help, setHelp, helpRef] = useLatestState(false);
  const [status, setStatus] = useState<Status | null>(null);
  const [prompt, setPrompt, promptRef] = useLatestState<Prompt | null>(null);
  const [, setQuitting, quittingRef] = useLatestState(false);
  const [ending, setEnding] = useState(false);

  // Refs the event listener, timers and key handler read: always the latest values without re-subscribing.
  const viewRef = useRef(view);
  const paneTierRef = useRef<string | null>(null);
  const bufferRef = useRef<PaneLines | null>(null);
  const stackEndedRef = useRef(false);
  const exitedRef = useRef(false);
  const lastTickRef = useRef(-Infinity);
  const mountedRef = useRef(true);
  const propsRef = useRef(props);
  propsRef.current = props;
  const resizing = useResizeRedraw(props.liveCells === true, columns, rows);
  const live = useLiveCells(props.liveCells === true, resizing);

  const commit = (next: DataView): void => {
    viewRef.current = next;
    setView(next);
  };

  /** Show `next`, which differs from the view on screen only in the clock and the usage: in place if it can be. */
  const show = (next: DataView): void => {
    if (live.paint(next)) viewRef.current = next;
    else commit(next);
  };

  /** Re-read the stack as `reread` says and the clock and the log pane; render only if something visible changed. */
  const refresh = (reread: Reread = 'all'): void => {
    if (!mountedRef.current) return;
    const previous = viewRef.current;
    let { snapshot, snapshotKey, linesKey, countersKey } = previous;
    if (reread !== 'none') {
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
            snapshot = fresh;
            snapshotKey = freshKey;
            linesKey = freshLines;
            countersKey = freshCounters;
          }
        }
      } catch (error) {
        setStatus({ text: `cannot read the stack's state: ${oneLine(error)}`, kind: 'error' });
      }
    }
    const now = (propsRef.current.clock ?? Date.now)();
    const paneVersion = bufferRef.current?.version ?? 0;
    const due = now >= previous.changesAt;
    if (snapshot !== previous.snapshot || paneVersion !== previous.paneVersion || due) {
      const next = { ...previous, snapshot, snapshotKey, linesKey, countersKey, now, changesAt: now + nextChangeIn(snapshot, now), paneVersion };
      // Only the clock or the tiers' last lines moved (a log flood with no pane open): in place if it can be.
      if (snapshotKey === previous.snapshotKey && paneVersion === previous.paneVersion) show(next);
      else commit(next);
      if (due) lastTickRef.current = now;
    }
    // The next frame for the clock's sake: when the text changes, and at most one a second (the uptimes of tiers
    // started at different moments would otherwise each have their own).
    const wait = Math.max(viewRef.current.changesAt - now, lastTickRef.current + MIN_TICK_MS - now, 0);
    ticks.schedule(wait + 1);
    if (stackEndedRef.current) finish();
  };

  /** Leave the UI once, after the frame showing the final state has been drawn (see the effect below). */
  const finish = (): void => {
    if (exitedRef.current) return;
    exitedRef.current = true;
    setEnding(true);
  };

  const refreshRef = useRef(refresh);
  refreshRef.current = refresh;
  const scheduler = useMemo(
    () => createRefreshScheduler(() => refreshRef.current(), props.refreshMs ?? 100),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );
  // A tick for the clock's sake re-reads the stack's state only while events are recent: a state that changed without
  // one (telemetry counters, a remote stack's snapshot that follows its event) is read by the poll or the event's own
  // refresh, so an idle stack's ticks build no snapshot (and no JSON key of it) every second.
  const lastEventAtRef = useRef(-Infinity);
  const eventsWithin = (ms: number): boolean => Date.now() - lastEventAtRef.current < ms;
  const ticks = useMemo(() => createTickTimer(() => refreshRef.current(eventsWithin(POLL_MS) ? 'all' : 'none')), []);

  useEffect(() => {
    mountedRef.current = true;
    const unsubscribe = control.subscribe((event) => {
      if (event.type === 'log' && (event.tier === paneTierRef.current || paneTierRef.current === ALL)) {
        const tag = paneTierRef.current === ALL ? event.tier : undefined;
        bufferRef.current?.add(event.stream, event.lines, event.cut, tag);
      } else if (event.type === 'shutdown' && event.phase === 'begin' && !quittingRef.current) {
        // Stopped from elsewhere (`land down`, a signal, `--exit-with`'s tier ending): say why, on one line.
        setStatus({ text: `shutting down: ${event.reason}`, kind: 'info' });
      } else if (event.type === 'shutdown' && event.phase === 'end') {
        // The stack is gone (shut down from elsewhere, or the one we watch went away): nothing left to show.
        stackEndedRef.current = true;
      }
      lastEventAtRef.current = Date.now();
      scheduler.mark();
    });
    // Telemetry and receiver counters change without an event: read them now and then (the whole state too when an
    // event came since the last poll), on land's heartbeat: in a wake-up land has anyway (src/runtime/heartbeat.ts).
    const stopPoll = onEveryNthHeartbeat(POLL_MS / HEARTBEAT_MS, () => refreshRef.current(eventsWithin(2 * POLL_MS) ? 'all' : 'counters'));
    let lastSample: UsageByPid | undefined;
    const sampler =
      props.sampleUsage === false
        ? undefined
        : startUsageSampler({
            pids: () => viewRef.current.snapshot.tiers.filter(isAlive).flatMap((tier) => usageRootsOf(tier)),
            onSample: (usage) => {
              // The sampler gives its last map again when no tree's usage moved: nothing to format or compare.
              if (usage === lastSample) return;
              lastSample = usage;
              const usageKey = usageKeyOf(usage);
              if (mountedRef.current && usageKey !== viewRef.current.usageKey) {
                show({ ...viewRef.current, usage, usageKey });
              }
            },
          });
    // Anything that happened between the first snapshot and subscribing.
    scheduler.mark();
    return () => {
      mountedRef.current = false;
      unsubscribe();
      scheduler.stop();
      stopPoll();
      ticks.stop();
      sampler?.stop();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Passive effects run after ink has drawn the commit, so the last frame already shows how things ended.
  useEffect(() => {
    if (ending) propsRef.current.onExit?.();
  }, [ending]);

  // The newest view (the state's, or newer where live cells were rewritten in place since): a frame drawn for a key
  // must not show an older uptime than the screen already did.
  const shown = viewRef.current;
  const { snapshot, now } = shown;
  const tiers = snapshot.tiers;
  const foundIndex = tiers.findIndex((tier) => tier.name === selectedName);
  const selected = foundIndex >= 0 ? foundIndex : 0;
  const budget = rowBudget(rows, tiers.length, pane !== null);
  // The same columns (the same array) while the width and the names stay: rows compare them to skip a render.
  const names = tiers.map((tier) => tier.name);
  const telemetryNames = tiers.map((tier) => tier.tier);
  const differs = tiers.some((tier) => tier.tier !== (tier.group ?? tier.name));
  const tableColumns = useMemo(
    () => tierColumns(columns, names, telemetryNames, differs),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [columns, names.join('\n'), telemetryNames.join('\n'), differs],
  );

  const say = (text: string, kind: Status['kind'] = 'info') => setStatus({ text, kind });

  const { runAction, scaleSelected, quit } = stackActions({
    control,
    mode,
    say,
    mounted: () => mountedRef.current,
    mark: () => scheduler.mark(),
    refresh: () => refreshRef.current(),
    finish,
    quittingRef,
    setQuitting,
  });

  const panes = paneActions({
    control,
    logCapacity: props.logCapacity ?? 2000,
    tiers: () => viewRef.current.snapshot.tiers,
    paneHeight: () => rowBudget(rows, viewRef.current.snapshot.tiers.length, true).panelLines,
    paneRef,
    setPane,
    bufferRef,
    paneTierRef,
    setHelp,
    setPrompt,
    say,
  });

  const suspend = useSuspend(rows);
  const onKey = (input: string, key: Key): void =>
    handleKey(input, key, {
      pane: paneRef.current,
      help: helpRef.current,
      prompt: promptRef.current,
      selectedName: selectedRef.current,
      quitting: quittingRef.current,
      shuttingDown: viewRef.current.snapshot.shuttingDown,
      tiers: viewRef.current.snapshot.tiers,
      rows,
      panes,
      setPane,
      setHelp,
      setPrompt,
      setSelectedName,
      quit,
      suspend,
      act: runAction,
      scale: scaleSelected,
      say,
    });

  // ink re-subscribes a changed handler only in a passive effect, which can lag a render: a key arriving in between
  // would meet the previous render's state. A stable handler that calls the latest closure avoids that.
  const onKeyRef = useRef(onKey);
  onKeyRef.current = onKey;
  const stableOnKey = useCallback((input: string, key: Key) => {
    // Each key of a chunk in order, each seeing the state the one before left (the refs handleKey reads).
    for (const [one, oneKey] of splitKeys(input, key)) onKeyRef.current(one, oneKey);
  }, []);
  useInput(stableOnKey, { isActive: isRawModeSupported });

  const paneBuffer = bufferRef.current;
  const source = pane && paneBuffer ? paneSource(paneBuffer) : undefined;
  const colorOf = (name: string) => {
    const index = tiers.findIndex((tier) => tier.name === name);
    return TIER_PALETTE[(index < 0 ? 0 : index) % TIER_PALETTE.length]!;
  };
  const layout: LiveLayout = { width: columns, columns: tableColumns, selected, visibleRows: budget.tierRows };
  live.drawn.current = { layout, snapshot, snapshotKey: shown.snapshotKey, now, usage: shown.usage, rows, help };
  return (
    <Box ref={live.rootRef} flexDirection="column" width={columns}>
      <Header snapshot={snapshot} now={now} width={columns} />
      {help ? (
        // Help takes the table's place: it is brief, and every key stays readable on a 24-row terminal.
        <Help lines={Math.max(1, rows - 6)} width={columns} mode={mode} />
      ) : (
        <TierTable
          tiers={tiers}
          columns={tableColumns}
          selected={selected}
          visibleRows={budget.tierRows}
          now={now}
          usage={shown.usage}
          width={columns}
        />
      )}
      {!help && pane && source && (
        <LogPane
          tier={pane.tier === ALL ? undefined : pane.tier}
          window={paneWindow(source, pane.scroll, budget.panelLines)}
          follow={pane.scroll.follow}
          focused={pane.focused}
          width={columns}
          filter={{ text: pane.filter, shown: source.end - source.start, total: source.total }}
          search={pane.search}
          colorOf={colorOf}
          nameWidth={Math.max(...tiers.map((tier) => tier.name.length))}
        />
      )}
      <Footer
        status={prompt ? { text: promptText(prompt), kind: 'info' } : status}
        paneFocused={pane !== null && pane.focused && !help}
        width={columns}
      />
    </Box>
  );
}
