/**
 * The land terminal UI. It reads the supervisor only through SupervisorControl (snapshot + events) and sends
 * commands back through it; the only state it keeps is its own: selection, log pane, scroll, help, status line.
 *
 * Rendering is driven by a 100 ms refresh throttle: events only mark the view dirty, and a refresh re-reads the
 * snapshot and re-renders only when something visible changed. A 1 s tick lets uptimes advance.
 */
import { Box, useInput, useStdin, useStdout, type Key } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { oneLine } from '../errors.js';
import type { StackSnapshot, SupervisorControl } from '../supervisor/types.js';
import { restartAction, startStopAction, type TierAction } from './actions.js';
import { Footer, type Status } from './components/footer.js';
import { Header } from './components/header.js';
import { Help } from './components/help.js';
import { LogPane } from './components/log-pane.js';
import { TierTable } from './components/tier-table.js';
import { formatBytes, formatPercent } from './format.js';
import { rowBudget, tierColumns } from './layout.js';
import { FOLLOW, LogBuffer, paneWindow, scrollBy, scrollToStart, type Scroll } from './log-buffer.js';
import { createRefreshScheduler } from './refresh.js';
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
}

/** What the UI shows of the supervisor: replaced (never mutated) when something visible changed. */
interface DataView {
  snapshot: StackSnapshot;
  snapshotKey: string;
  now: number;
  /** Sequence number one past the newest line in the open pane's buffer. */
  paneEnd: number;
  usage: UsageByPid;
  usageKey: string;
}

interface PaneState {
  tier: string;
  focused: boolean;
  scroll: Scroll;
}

const INITIAL_LOG_LINES = 500;

const VERBS: Record<'start' | 'stop' | 'restart', readonly [string, string]> = {
  start: ['starting', 'started'],
  stop: ['stopping', 'stopped'],
  restart: ['restarting', 'restarted'],
};

function useTerminalSize(columns?: number, rows?: number): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stdout]);
  return { columns: columns ?? size.columns, rows: rows ?? size.rows };
}

/** useState plus a ref that always holds the newest value, updated as soon as it is set (not at the next render). */
function useLatestState<T>(initial: T): [T, (next: T) => void, { readonly current: T }] {
  const [state, setState] = useState(initial);
  const ref = useRef(state);
  const set = useCallback((next: T) => {
    ref.current = next;
    setState(next);
  }, []);
  return [state, set, ref];
}

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
    return { snapshot, snapshotKey: JSON.stringify(snapshot), now: clock(), paneEnd: 0, usage: new Map(), usageKey: '' };
  });
  // UI state the key handler reads through refs: keys can arrive faster than renders (key repeat, a slow
  // machine), and each key must see what the previous one did.
  const [selectedName, setSelectedName, selectedRef] = useLatestState<string | undefined>(view.snapshot.tiers[0]?.name);
  const [pane, setPane, paneRef] = useLatestState<PaneState | null>(null);
  const [help, setHelp, helpRef] = useLatestState(false);
  const [status, setStatus] = useState<Status | null>(null);
  const [, setQuitting, quittingRef] = useLatestState(false);
  const [ending, setEnding] = useState(false);

  // Refs the event listener, timers and key handler read: always the latest values without re-subscribing.
  const viewRef = useRef(view);
  const paneTierRef = useRef<string | null>(null);
  const bufferRef = useRef<LogBuffer | null>(null);
  const stackEndedRef = useRef(false);
  const exitedRef = useRef(false);
  const mountedRef = useRef(true);
  const propsRef = useRef(props);
  propsRef.current = props;

  const commit = (next: DataView): void => {
    viewRef.current = next;
    setView(next);
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
    const secondChanged = Math.floor(now / 1000) !== Math.floor(previous.now / 1000);
    if (snapshot !== previous.snapshot || paneEnd !== previous.paneEnd || secondChanged) {
      commit({ ...previous, snapshot, snapshotKey, now, paneEnd });
    }
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

  useEffect(() => {
    mountedRef.current = true;
    const unsubscribe = control.subscribe((event) => {
      if (event.type === 'log' && event.tier === paneTierRef.current) {
        for (const line of event.lines) bufferRef.current?.push(event.stream, line);
      } else if (event.type === 'shutdown' && event.phase === 'end') {
        // The stack is gone (shut down from elsewhere, or the one we watch went away): nothing left to show.
        stackEndedRef.current = true;
      }
      scheduler.mark();
    });
    const ticker = setInterval(() => refreshRef.current(), 1000);
    ticker.unref();
    const sampler =
      props.sampleUsage === false
        ? undefined
        : startUsageSampler({
            pids: () => viewRef.current.snapshot.tiers.filter(isAlive).map((tier) => tier.pid!),
            onSample: (usage) => {
              const usageKey = usageKeyOf(usage);
              if (mountedRef.current && usageKey !== viewRef.current.usageKey) {
                commit({ ...viewRef.current, usage, usageKey });
              }
            },
          });
    // Anything that happened between the first snapshot and subscribing.
    scheduler.mark();
    return () => {
      mountedRef.current = false;
      unsubscribe();
      scheduler.stop();
      clearInterval(ticker);
      sampler?.stop();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Passive effects run after ink has drawn the commit, so the last frame already shows how things ended.
  useEffect(() => {
    if (ending) propsRef.current.onExit?.();
  }, [ending]);

  const { snapshot, now } = view;
  const tiers = snapshot.tiers;
  const foundIndex = tiers.findIndex((tier) => tier.name === selectedName);
  const selected = foundIndex >= 0 ? foundIndex : 0;
  const budget = rowBudget(rows, tiers.length, pane !== null);
  const tableColumns = tierColumns(
    columns,
    tiers.map((tier) => tier.name),
    tiers.map((tier) => tier.tier),
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

  const openPane = (name: string): void => {
    const buffer = new LogBuffer(props.logCapacity ?? 2000);
    try {
      for (const entry of control.logs(name, INITIAL_LOG_LINES)) buffer.push(entry.stream, entry.line);
    } catch (error) {
      say(`cannot read ${name}'s logs: ${oneLine(error)}`, 'error');
    }
    bufferRef.current = buffer;
    paneTierRef.current = name;
    setHelp(false);
    setPane({ tier: name, focused: true, scroll: FOLLOW });
  };

  const closePane = (): void => {
    bufferRef.current = null;
    paneTierRef.current = null;
    setPane(null);
  };

  const scrollPane = (change: (buffer: LogBuffer, scroll: Scroll, height: number) => Scroll): void => {
    const buffer = bufferRef.current;
    const current = paneRef.current;
    if (!buffer || !current) return;
    const height = rowBudget(rows, viewRef.current.snapshot.tiers.length, true).panelLines;
    setPane({ ...current, scroll: change(buffer, current.scroll, height) });
  };

  const select = (delta: number): void => {
    const list = viewRef.current.snapshot.tiers;
    const index = Math.max(0, list.findIndex((tier) => tier.name === selectedRef.current));
    const next = list[Math.min(Math.max(index + delta, 0), list.length - 1)];
    if (next) setSelectedName(next.name);
  };

  const onKey = (input: string, key: Key): void => {
    const pane = paneRef.current;
    const help = helpRef.current;
    const list = viewRef.current.snapshot.tiers;
    const selectedTier = list.find((tier) => tier.name === selectedRef.current) ?? list[0];
    if ((key.ctrl && input === 'c') || input === 'q') return quit();
    // Help is modal: the table is hidden, so no key may act on a tier the person cannot see.
    if (help) return setHelp(false);
    if (input === '?') return setHelp(true);
    if (key.escape) {
      if (pane?.focused) setPane({ ...pane, focused: false });
      else if (pane) closePane();
      return;
    }
    const paneFocused = pane !== null && pane.focused;
    const page = Math.max(1, rowBudget(rows, list.length, true).panelLines - 1);
    if (key.tab) {
      if (pane) setPane({ ...pane, focused: !pane.focused });
      return;
    }
    if (key.return) {
      if (!selectedTier) return;
      if (pane && pane.tier === selectedTier.name) closePane();
      else openPane(selectedTier.name);
      return;
    }
    if (key.upArrow) return paneFocused ? scrollPane((b, s, h) => scrollBy(b, s, h, -1)) : select(-1);
    if (key.downArrow) return paneFocused ? scrollPane((b, s, h) => scrollBy(b, s, h, 1)) : select(1);
    if (key.pageUp) return scrollPane((b, s, h) => scrollBy(b, s, h, -page));
    if (key.pageDown) return scrollPane((b, s, h) => scrollBy(b, s, h, page));
    if (key.home) return scrollPane((b) => scrollToStart(b));
    if (key.end || input === 'f') return scrollPane(() => FOLLOW);
    if (input === 'k') return select(-1);
    if (input === 'j') return select(1);
    if (input === 'r' || input === 's') {
      if (!selectedTier) return;
      if (quittingRef.current || viewRef.current.snapshot.shuttingDown) return say('the stack is shutting down', 'error');
      return runAction(input === 'r' ? restartAction(selectedTier) : startStopAction(selectedTier));
    }
  };

  // ink re-subscribes a changed handler only in a passive effect, which can lag a render: a key arriving in between
  // would meet the previous render's state. A stable handler that calls the latest closure avoids that.
  const onKeyRef = useRef(onKey);
  onKeyRef.current = onKey;
  const stableOnKey = useCallback((input: string, key: Key) => onKeyRef.current(input, key), []);
  useInput(stableOnKey, { isActive: isRawModeSupported });

  const paneBuffer = bufferRef.current;
  return (
    <Box flexDirection="column" width={columns}>
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
          usage={view.usage}
          width={columns}
        />
      )}
      {!help && pane && paneBuffer && (
        <LogPane
          tier={pane.tier}
          window={paneWindow(paneBuffer, pane.scroll, budget.panelLines)}
          follow={pane.scroll.follow}
          focused={pane.focused}
          width={columns}
        />
      )}
      <Footer status={status} paneFocused={pane !== null && pane.focused && !help} width={columns} />
    </Box>
  );
}
