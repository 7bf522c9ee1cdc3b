/**
 * The land terminal UI. It reads the supervisor only through SupervisorControl (snapshot + events) and sends
 * commands back through it; the only state it keeps is its own: selection, log pane, scroll, help, status line.
 *
 * Rendering is driven by a 100 ms refresh throttle: events only mark the view dirty, and a refresh re-reads the
 * snapshot and re-renders only when something visible changed. Uptimes and countdowns advance by a timer set for
 * the moment their text changes (ticks.ts); a slow poll picks up the counters no event announces.
 */
import { Box, measureElement, useInput, useStdin, useStdout, type DOMElement, type Key } from 'ink';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { oneLine } from '../errors.js';
import type { StackSnapshot, SupervisorControl } from '../supervisor/types.js';
import type { ScaleAction, TierAction } from './actions.js';
import { Footer, type Status } from './components/footer.js';
import { Header } from './components/header.js';
import { Help } from './components/help.js';
import { LogPane, TIER_PALETTE } from './components/log-pane.js';
import { TierTable } from './components/tier-table.js';
import { formatBytes, formatPercent } from './format.js';
import { rowBudget, tierColumns } from './layout.js';
import { handleKey } from './key-handler.js';
import { changedSpans, liveSpans, patchSequence, type LiveLayout, type LiveSpan } from './live-cells.js';
import { paneWindow, type LogBuffer } from './log-buffer.js';
import { ALL, paneActions, paneSource, type PaneState } from './pane-actions.js';
import { promptText, type Prompt } from './prompt.js';
import { createRefreshScheduler } from './refresh.js';
import { createTickTimer, nextChangeIn } from './ticks.js';
import { useLatestState, useTerminalSize } from './hooks.js';
import { isAlive } from './tier-view.js';
import { startUsageSampler, type UsageByPid } from './usage.js';

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
  snapshotKey: string;
  now: number;
  /** When the time-dependent text of this view (uptimes, countdowns) next changes. */
  changesAt: number;
  /** Sequence number one past the newest line in the open pane's buffer. */
  paneEnd: number;
  usage: UsageByPid;
  usageKey: string;
}

/** ink draws a commit within its render throttle (~33 ms): cells are rewritten only once the last frame is out. */
const FRAME_SETTLE_MS = 150;
/**
 * A whole frame at least this often all the same: whatever ink redrew behind the cells' back (console output above
 * the UI repaints ink's last frame) is put right within this time.
 */
const WHOLE_FRAME_MS = 10_000;

/** At most one frame a second for the clock's sake. */
const MIN_TICK_MS = 1000;
/** How often the snapshot is read for what no event announces (telemetry and receiver counters). */
const POLL_MS = 2000;

const VERBS: Record<'start' | 'stop' | 'restart', readonly [string, string]> = {
  start: ['starting', 'started'],
  stop: ['stopping', 'stopped'],
  restart: ['restarting', 'restarted'],
};

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
    return { snapshot, snapshotKey: JSON.stringify(snapshot), now, changesAt, paneEnd: 0, usage: new Map(), usageKey: '' };
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
  const bufferRef = useRef<LogBuffer | null>(null);
  const stackEndedRef = useRef(false);
  const exitedRef = useRef(false);
  const lastTickRef = useRef(-Infinity);
  const mountedRef = useRef(true);
  const propsRef = useRef(props);
  propsRef.current = props;
  const { stdout } = useStdout();
  const rootRef = useRef<DOMElement>(null);
  /** The last frame: its layout, when it was committed, how many lines it has, and the live cells as it shows them. */
  // The cells as the frame shows them are worked out at the first rewrite, not at every commit (a flood commits often).
  const frameRef = useRef<{
    layout: LiveLayout;
    snapshot: StackSnapshot;
    rows: number;
    help: boolean;
    at: number;
    height: number;
    spans: () => Map<string, LiveSpan>;
  } | null>(null);

  /** The cells as paint() last wrote them, until the next frame: the screen, which ink does not know of. */
  const paintedRef = useRef<Map<string, LiveSpan> | null>(null);

  const commit = (next: DataView): void => {
    viewRef.current = next;
    setView(next);
  };

  /** Show `next`, which differs from the view on screen only in the clock and the usage: in place if it can be. */
  const show = (next: DataView): void => {
    if (!paint(next)) commit(next);
  };

  /** Rewrite the live cells for `next` without a frame; false when a frame is needed (see live-cells.ts). */
  const paint = (next: DataView): boolean => {
    const frame = frameRef.current;
    if (!propsRef.current.liveCells || !frame || frame.help || next.snapshot !== frame.snapshot) return false;
    const age = Date.now() - frame.at;
    if (age < FRAME_SETTLE_MS || age > WHOLE_FRAME_MS || frame.height >= frame.rows) return false;
    if (stdout.columns !== frame.layout.width || stdout.rows !== frame.rows) return false; // a resize is on its way
    const spans = liveSpans(next.snapshot, next.now, next.usage, frame.layout);
    const changed = changedSpans(frame.spans(), spans);
    if (!changed) return false;
    if (changed.length > 0) stdout.write(patchSequence(changed, frame.height));
    frame.spans = () => spans;
    paintedRef.current = spans;
    viewRef.current = next;
    return true;
  };

  /**
   * ink writes a frame only when its text differs from the last one it wrote: a frame equal to that one after a paint
   * (a value that went back) leaves the painted cells on screen. Once ink has drawn, the cells that differ from the
   * frame are written again (when ink did draw, that rewrites the same text).
   */
  const resyncPainted = (frame: NonNullable<typeof frameRef.current>): void => {
    const painted = paintedRef.current;
    paintedRef.current = null;
    if (!painted) return;
    setTimeout(() => {
      if (!mountedRef.current || frameRef.current !== frame || paintedRef.current) return;
      const changed = changedSpans(painted, frame.spans());
      if (changed && changed.length > 0) stdout.write(patchSequence(changed, frame.height));
    }, FRAME_SETTLE_MS).unref();
  };

  /** Re-read everything; render only if something visible changed. */
  const refresh = (): void => {
    if (!mountedRef.current) return;
    const previous = viewRef.current;
    let snapshot = previous.snapshot;
    let snapshotKey = previous.snapshotKey;
    try {
      const fresh = control.snapshot();
      const freshKey = JSON.stringify(fresh);
      if (freshKey !== snapshotKey) {
        snapshot = fresh;
        snapshotKey = freshKey;
      }
    } catch (error) {
      setStatus({ text: `cannot read the stack's state: ${oneLine(error)}`, kind: 'error' });
    }
    const now = (propsRef.current.clock ?? Date.now)();
    const paneEnd = bufferRef.current?.end ?? 0;
    const due = now >= previous.changesAt;
    if (snapshot !== previous.snapshot || paneEnd !== previous.paneEnd || due) {
      const next = { ...previous, snapshot, snapshotKey, now, changesAt: now + nextChangeIn(snapshot, now), paneEnd };
      if (snapshot === previous.snapshot && paneEnd === previous.paneEnd) show(next);
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
  const ticks = useMemo(() => createTickTimer(() => refreshRef.current()), []);

  useEffect(() => {
    mountedRef.current = true;
    const unsubscribe = control.subscribe((event) => {
      if (event.type === 'log' && (event.tier === paneTierRef.current || paneTierRef.current === ALL)) {
        const tag = paneTierRef.current === ALL ? event.tier : undefined;
        for (const line of event.lines) bufferRef.current?.push(event.stream, line, tag);
      } else if (event.type === 'shutdown' && event.phase === 'end') {
        // The stack is gone (shut down from elsewhere, or the one we watch went away): nothing left to show.
        stackEndedRef.current = true;
      }
      scheduler.mark();
    });
    // Telemetry and receiver counters change without an event: read them now and then.
    const poll = setInterval(() => refreshRef.current(), POLL_MS);
    poll.unref();
    const sampler =
      props.sampleUsage === false
        ? undefined
        : startUsageSampler({
            pids: () => viewRef.current.snapshot.tiers.filter(isAlive).map((tier) => tier.pid!),
            onSample: (usage) => {
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
      clearInterval(poll);
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

  const runAction = (action: TierAction): void => {
    if (action.kind === 'refuse') {
      say(action.message, 'error');
      return;
    }
    const [doing, done] = VERBS[action.kind];
    const name = action.tier;
    say(`${doing} ${name}…`);
    let call: Promise<void>;
    try {
      call =
        action.kind === 'start'
          ? control.startTier(name)
          : action.kind === 'stop'
            ? control.stopTier(name)
            : control.restartTier(name);
    } catch (error) {
      call = Promise.reject(error);
    }
    call.then(
      () => {
        if (mountedRef.current) say(`${done} ${name}`);
      },
      (error: unknown) => {
        if (mountedRef.current) say(`${action.kind} ${name} failed: ${oneLine(error)}`, 'error');
      },
    );
    scheduler.mark();
  };

  /** `+` / `-` on a replica: scale its tier by one. */
  const scaleSelected = (action: ScaleAction): void => {
    if (action.kind === 'refuse') return say(action.message, 'error');
    if (!control.scaleTier) return say('this view cannot scale tiers', 'error');
    const { group, count } = action;
    say(`scaling ${group} to ${count}…`);
    control.scaleTier(group, count).then(
      () => {
        if (mountedRef.current) say(`${group} runs ${count} replica${count === 1 ? '' : 's'}`);
      },
      (error: unknown) => {
        if (mountedRef.current) say(`scale ${group} failed: ${oneLine(error)}`, 'error');
      },
    );
    scheduler.mark();
  };

  const quit = (): void => {
    if (mode === 'watch') {
      finish();
      return;
    }
    if (quittingRef.current) {
      say('already shutting down — waiting for the tiers to stop');
      return;
    }
    setQuitting(true);
    say('shutting down: stopping tiers in reverse dependency order…');
    let shutdown: Promise<void>;
    try {
      shutdown = control.shutdown('quit from the UI');
    } catch (error) {
      shutdown = Promise.reject(error);
    }
    shutdown.then(
      () => {
        if (!mountedRef.current) return;
        say('stack stopped');
        refreshRef.current();
        finish();
      },
      (error: unknown) => {
        if (!mountedRef.current) return;
        say(`shutdown failed: ${oneLine(error)}`, 'error');
        refreshRef.current();
        finish();
      },
    );
  };

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
      act: runAction,
      scale: scaleSelected,
      say,
    });

  // ink re-subscribes a changed handler only in a passive effect, which can lag a render: a key arriving in between
  // would meet the previous render's state. A stable handler that calls the latest closure avoids that.
  const onKeyRef = useRef(onKey);
  onKeyRef.current = onKey;
  const stableOnKey = useCallback((input: string, key: Key) => onKeyRef.current(input, key), []);
  useInput(stableOnKey, { isActive: isRawModeSupported });

  const paneBuffer = bufferRef.current;
  const source = pane && paneBuffer ? paneSource(pane, paneBuffer) : undefined;
  const colorOf = (name: string) => {
    const index = tiers.findIndex((tier) => tier.name === name);
    return TIER_PALETTE[(index < 0 ? 0 : index) % TIER_PALETTE.length]!;
  };
  const layout: LiveLayout = { width: columns, columns: tableColumns, selected, visibleRows: budget.tierRows };
  const drawn = { layout, snapshot, now, usage: shown.usage, rows, help };
  const drawnRef = useRef(drawn);
  drawnRef.current = drawn;
  // After every commit: what the frame holds, for paint(). Layout effects run once yoga has laid the frame out.
  useLayoutEffect(() => {
    if (!props.liveCells || !rootRef.current) return;
    const { layout: laid, snapshot: at, now: time, usage, rows: height, help: helpShown } = drawnRef.current;
    frameRef.current = {
      layout: laid,
      snapshot: at,
      rows: height,
      help: helpShown,
      at: Date.now(),
      height: measureElement(rootRef.current).height,
      spans: () => liveSpans(at, time, usage, laid),
    };
    resyncPainted(frameRef.current);
  });
  return (
    <Box ref={rootRef} flexDirection="column" width={columns}>
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
