/**
 * The land terminal UI. It reads the supervisor only through SupervisorControl (snapshot + events) and sends
 * commands back through it; the only state it keeps is its own: selection, log pane, scroll, help, status line.
 * By concern: the view of the stack and how it is kept current (stack-view.ts, use-stack-view.ts), the UI's own
 * state (use-ui-state.ts), the keys (use-keys.ts, key-handler.ts), the layout (components/app-frame.tsx).
 */
import { useStdin } from 'ink';
import type { SupervisorControl } from '../supervisor/types.js';
import { AppFrame } from './components/app-frame.js';
import type { Status } from './components/footer.js';
import { useLatestState, useTerminalSize } from './hooks.js';
import type { KeyContext } from './key-handler.js';
import { bannerRows } from './components/config-banner.js';
import { rowBudget } from './layout.js';
import { paneActions } from './pane-actions.js';
import { stackActions } from './stack-actions.js';
import { useKeys } from './use-keys.js';
import { useLiveCells } from './use-live-cells.js';
import { useResizeRedraw } from './use-resize-redraw.js';
import { useStackView } from './use-stack-view.js';
import { useSuspend } from './use-suspend.js';
import type { TerminalTurn } from './terminal-turn.js';
import { useUiState } from './use-ui-state.js';

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
  /** Ctrl-C during the shutdown (up mode): kill every tier now and exit (stack-actions.ts). */
  onKillNow?: () => void;
  /** runTui turned the terminal's bracketed paste on: a Ctrl-Z suspend turns it off and back on (use-suspend.ts). */
  bracketedPaste?: boolean;
  /** runTui's, on a real terminal: whether the UI has it (job control), and its returns (terminal-turn.ts). */
  terminal?: TerminalTurn;
}

export function App(props: AppProps) {
  const { control, mode } = props;
  const { isRawModeSupported } = useStdin();
  const { columns, rows } = useTerminalSize(props.columns, props.rows);
  const resizing = useResizeRedraw(props.liveCells === true, columns, rows);
  const live = useLiveCells(props.liveCells === true, resizing);
  const [, setQuitting, quittingRef] = useLatestState(false);
  const { stackView, status, setStatus } = useStackView({
    control,
    clock: props.clock ?? Date.now,
    refreshMs: props.refreshMs ?? 100,
    sampleUsage: props.sampleUsage !== false,
    live,
    quitting: quittingRef,
    onExit: props.onExit,
  });
  const viewRef = stackView.viewRef;
  const ui = useUiState(viewRef.current.snapshot.tiers[0]?.name);
  const { setPane, setHelp, setPrompt } = ui.setters;
  const say = (text: string, kind: Status['kind'] = 'info') => setStatus({ text, kind });

  const { runAction, scaleSelected, restartAll, quit } = stackActions({
    control,
    mode,
    say,
    mounted: () => stackView.mounted,
    mark: () => stackView.scheduler.mark(),
    refresh: () => stackView.refresh(),
    finish: () => stackView.finish(),
    killNow: props.onKillNow,
    quittingRef,
    setQuitting,
  });
  const panes = paneActions({
    control,
    logCapacity: props.logCapacity ?? 2000,
    tiers: () => viewRef.current.snapshot.tiers,
    paneHeight: () => rowBudget(rows, viewRef.current.snapshot.tiers.length, true, bannerRows(viewRef.current.snapshot)).panelLines,
    paneRef: ui.paneRef,
    setPane,
    setHelp,
    setPrompt,
    say,
    bufferRef: stackView.bufferRef,
    paneTierRef: stackView.paneTierRef,
  });
  const suspend = useSuspend(rows, props.bracketedPaste === true, props.terminal);
  const keyContext = (): KeyContext => ({
    ...ui.latest(),
    ...ui.setters,
    quitting: quittingRef.current,
    shuttingDown: viewRef.current.snapshot.shuttingDown,
    tiers: viewRef.current.snapshot.tiers,
    rows,
    panes,
    quit,
    suspend,
    act: runAction,
    scale: scaleSelected,
    restartAll,
    say,
  });
  useKeys(keyContext, isRawModeSupported);

  // The newest view (the state's, or newer where live cells were rewritten in place since): a frame drawn for a key
  // must not show an older uptime than the screen already did.
  return (
    <AppFrame
      shown={viewRef.current}
      {...ui.shown}
      mode={mode}
      columns={columns}
      rows={rows}
      buffer={stackView.bufferRef.current}
      status={status}
      live={live}
    />
  );
}
