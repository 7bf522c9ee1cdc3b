/**
 * The land terminal UI. It reads the supervisor only through SupervisorControl (snapshot + events) and sends
 * commands back through it; the only state it keeps is its own: selection, log pane, scroll, help, status line.
 *
 * Rendering is driven by a 100 ms refresh throttle: events only mark the view dirty, and a refresh re-reads the
 * snapshot and re-renders only when something visible changed. A 1 s tick lets uptimes advance.
 */
import { Box, useInput, useStdin, type Key } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { oneLine } from '../errors.js';
import type { LogStream, StackSnapshot, SupervisorControl } from '../supervisor/types.js';
import { restartAction, scaleAction, startStopAction, type TierAction } from './actions.js';
import { Footer, type Status } from './components/footer.js';
import { Header } from './components/header.js';
import { Help } from './components/help.js';
import { LogPane, TIER_PALETTE } from './components/log-pane.js';
import { TierTable } from './components/tier-table.js';
import { formatBytes, formatPercent } from './format.js';
import { rowBudget, tierColumns } from './layout.js';
import { FOLLOW, LogBuffer, paneWindow, scrollBy, scrollToStart, type LineSource, type Scroll } from './log-buffer.js';
import { filteredSource, findMatches, scrollToLine, stepMatch } from './log-search.js';
import { editPrompt, promptText, type Prompt } from './prompt.js';
import { createRefreshScheduler } from './refresh.js';
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
  /** A tier's name, or ALL for the merged view of every tier's output. */
  tier: string;
  focused: boolean;
  scroll: Scroll;
  /** Only lines containing this text ('' shows every line). */
  filter: string;
  /** The last search and the line of its current match (a sequence number of the filtered view). */
  search?: { query: string; current?: number };
}

const INITIAL_LOG_LINES = 500;
/** The merged view's pane id: not a valid tier name, so it never meets a real one. */
const ALL = '*';

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
    return { snapshot, snapshotKey: JSON.stringify(snapshot), now: clock(), paneEnd: 0, usage: new Map(), usageKey: '' };
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
      if (event.type === 'log' && (event.tier === paneTierRef.current || paneTierRef.current === ALL)) {
        const tag = paneTierRef.current === ALL ? event.tier : undefined;
        for (const line of event.lines) bufferRef.current?.push(event.stream, line, tag);
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
    tiers.some((tier) => tier.tier !== (tier.group ?? tier.name)),
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
  const scaleSelected = (action: ReturnType<typeof scaleAction>): void => {
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

  /** The recent lines a pane opens with: one tier's, or every tier's merged by time. */
  const recentLines = (name: string): Array<{ stream: LogStream; line: string; at: number; tier?: string }> => {
    if (name !== ALL) return control.logs(name, INITIAL_LOG_LINES);
    const merged = viewRef.current.snapshot.tiers.flatMap((tier) =>
      control.logs(tier.name, INITIAL_LOG_LINES).map((entry) => ({ ...entry, tier: tier.name })),
    );
    return merged.sort((a, b) => a.at - b.at); // stable: lines of one moment keep their order
  };

  const openPane = (name: string): void => {
    const buffer = new LogBuffer(props.logCapacity ?? 2000);
    try {
      for (const entry of recentLines(name)) buffer.push(entry.stream, entry.line, entry.tier);
    } catch (error) {
      say(`cannot read ${name === ALL ? 'the' : `${name}'s`} logs: ${oneLine(error)}`, 'error');
    }
    bufferRef.current = buffer;
    paneTierRef.current = name;
    setHelp(false);
    setPane({ tier: name, focused: true, scroll: FOLLOW, filter: '' });
  };

  const closePane = (): void => {
    bufferRef.current = null;
    paneTierRef.current = null;
    setPane(null);
  };

  /** What the pane scrolls over: its buffer, through the filter. */
  const paneSource = (state: PaneState, buffer: LogBuffer) => filteredSource(buffer, state.filter);
  const paneHeight = () => rowBudget(rows, viewRef.current.snapshot.tiers.length, true).panelLines;

  const scrollPane = (change: (source: LineSource, scroll: Scroll, height: number) => Scroll): void => {
    const buffer = bufferRef.current;
    const current = paneRef.current;
    if (!buffer || !current) return;
    setPane({ ...current, scroll: change(paneSource(current, buffer), current.scroll, paneHeight()) });
  };

  /** Go to a search match: `submit` a new query (its newest match), or step to an older or newer one (n / N). */
  const searchPane = (query: string, direction?: 'older' | 'newer'): void => {
    const buffer = bufferRef.current;
    const current = paneRef.current;
    if (!buffer || !current) return;
    if (query === '') return setPane({ ...current, search: undefined });
    const source = paneSource(current, buffer);
    const matches = findMatches(source, query);
    const from = direction === undefined ? undefined : current.search?.current;
    const next = stepMatch(matches, from, direction ?? 'older');
    if (next === undefined) {
      say(matches.length === 0 ? `no line matches "${query}"` : `no ${direction} match for "${query}"`, 'error');
      return setPane({ ...current, search: { query, current: from } });
    }
    setPane({ ...current, search: { query, current: next }, scroll: scrollToLine(source, next, paneHeight()) });
    say(`match ${matches.indexOf(next) + 1} of ${matches.length} for "${query}" · n older · N newer`);
  };

  const submitPrompt = (done: Prompt): void => {
    const current = paneRef.current;
    if (!current) return;
    if (done.kind === 'search') return searchPane(done.text);
    setPane({ ...current, filter: done.text, scroll: FOLLOW, search: current.search && { query: current.search.query } });
    say(done.text === '' ? 'filter cleared' : `showing lines with "${done.text}"`);
  };

  /** `/` and `&` type into a prompt over the pane (the merged view if none is open). */
  const openPrompt = (kind: Prompt['kind']): void => {
    if (!paneRef.current) openPane(ALL);
    setPrompt({ kind, text: '' });
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
    if (key.ctrl && input === 'c') return quit();
    const typing = promptRef.current;
    if (typing) {
      const step = editPrompt(typing, input, key);
      setPrompt(step.prompt);
      if (step.submit) submitPrompt(step.submit);
      return;
    }
    if (input === 'q') return quit();
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
    if (input === '/') return openPrompt('search');
    if (input === '&') return openPrompt('filter');
    if ((input === 'n' || input === 'N') && pane?.search) return searchPane(pane.search.query, input === 'n' ? 'older' : 'newer');
    if (input === 'a') return pane?.tier === ALL ? closePane() : openPane(ALL);
    if ((input === '+' || input === '-') && selectedTier) {
      if (quittingRef.current || viewRef.current.snapshot.shuttingDown) return say('the stack is shutting down', 'error');
      return scaleSelected(scaleAction(selectedTier, list, input === '+' ? 1 : -1));
    }
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
  const source = pane && paneBuffer ? paneSource(pane, paneBuffer) : undefined;
  const colorOf = (name: string) => {
    const index = tiers.findIndex((tier) => tier.name === name);
    return TIER_PALETTE[(index < 0 ? 0 : index) % TIER_PALETTE.length]!;
  };
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
