/** Column widths and row budget from the terminal size, so the UI fits 80×24 and uses wider terminals. */
import { fit } from '../text/cut.js';

export interface Column {
  key: 'name' | 'tier' | 'state' | 'pid' | 'uptime' | 'restarts' | 'ready' | 'cpu' | 'mem' | 'info';
  title: string;
  width: number;
  align: 'left' | 'right';
}

/** Width of the selection marker in front of each row. */
export const MARKER_WIDTH = 2;

/**
 * `differs`: some tier's telemetry name is not its own (or its group's, for a replica). Only then does the TIER
 * column say something the NAME column does not, and it is shown where there is room for it.
 */
export function tierColumns(totalWidth: number, names: readonly string[], tiers: readonly string[], differs = false): Column[] {
  const longest = (values: readonly string[], title: string): number =>
    Math.max(title.length, ...values.map((value) => Array.from(value).length));
  const nameWidth = clamp(longest(names, 'NAME'), 6, totalWidth >= 120 ? 20 : 12);
  const showTier = differs && totalWidth >= 100;
  const fixed: Column[] = [
    { key: 'name', title: 'NAME', width: nameWidth, align: 'left' },
    ...(showTier
      ? [{ key: 'tier', title: 'TIER', width: clamp(longest(tiers, 'TIER'), 4, 12), align: 'left' } as Column]
      : []),
    { key: 'state', title: 'STATE', width: 8, align: 'left' },
    { key: 'pid', title: 'PID', width: 7, align: 'right' },
    { key: 'uptime', title: 'UP', width: 6, align: 'right' },
    { key: 'restarts', title: 'RST', width: 3, align: 'right' },
    { key: 'ready', title: 'READY', width: 6, align: 'right' },
    { key: 'cpu', title: 'CPU', width: 5, align: 'right' },
    { key: 'mem', title: 'MEM', width: 5, align: 'right' },
  ];
  // One space after every fixed column; the info column takes what is left.
  const used = MARKER_WIDTH + fixed.reduce((sum, column) => sum + column.width + 1, 0);
  return [...fixed, { key: 'info', title: 'LAST LINE / REASON', width: Math.max(0, totalWidth - used), align: 'left' }];
}

/** A cell's text cut or padded to its column's width, on the column's side. */
export function cell(text: string, column: Column): string {
  const cut = fit(text, column.width);
  return column.align === 'right' ? cut.trimEnd().padStart(column.width) : cut;
}

export interface RowBudget {
  /** Tier rows shown (a window around the selection when there are more tiers than this). */
  tierRows: number;
  /** Lines of the log pane or help below the table (0 when neither is open). */
  panelLines: number;
}

/** Header (2) + table header (1) + footer (1) + status (1), and one spare row so ink never scrolls the screen. */
const CHROME_ROWS = 6;

/** `bannerRows`: lines shown above the footer for a while (the config banner: config-banner.tsx). */
export function rowBudget(rows: number, tierCount: number, panelOpen: boolean, bannerRows = 0): RowBudget {
  const available = Math.max(1, rows - CHROME_ROWS - bannerRows);
  if (!panelOpen) return { tierRows: Math.min(tierCount, available), panelLines: 0 };
  // The panel has a title line and wants at least 5 lines of text; tiers get the rest.
  const minPanel = Math.min(6, Math.max(2, available - 1));
  const tierRows = Math.max(1, Math.min(tierCount, available - minPanel));
  return { tierRows, panelLines: Math.max(1, available - tierRows - 1) };
}

/** First tier row to show so the selected row stays visible. */
export function windowStart(selected: number, visible: number, total: number): number {
  if (total <= visible) return 0;
  return clamp(selected - Math.floor(visible / 2), 0, total - visible);
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}
