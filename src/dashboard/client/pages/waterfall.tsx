/**
 * A trace's spans as a waterfall: depth-first rows (children under their parent, by start), subtrees that fold, a bar
 * per span on the trace's time line. Only the rows in view (and a margin) are in the document, so a trace of 10 000
 * spans draws and scrolls as one of 100 (each row is one fixed height: names are cut with an ellipsis, whole in
 * their title). A row is reached from the keyboard: Tab to a row's link or fold button, ↑/↓ (Page Up/Down, Home/End)
 * to the others (rows out of view are drawn first), ←/→ fold and unfold, or go to the parent.
 */
import type { JSX, RefObject } from 'preact';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { SpanView } from '../../wire.js';
import { timeBase } from '../../../trace-tree/plausible-time.js';
import { formatMs } from '../format.js';
import { href } from '../hooks.js';
import { shownDuration, shownEnd } from '../running-clock.js';
import { flatten, type SpanNode as Node } from '../span-tree.js';
import { TableHead } from '../table-head.js';
import { useScrollView } from '../virtual-list.js';

/** A row's height in px (style.css `.waterfall tbody tr`). */
const ROW_HEIGHT = 26;
/** Rows drawn beyond what is in view, each side. */
const OVERSCAN = 20;
const PAGE_ROWS = 15;
/** Depths indented a full step; deeper ones a small step each, the indent capped (style.css `.span-cell`) and the depth shown as a number. */
const FULL_STEPS = 8;

/** A row's indent in rem: a full step a level to FULL_STEPS, then a quarter step, so a deep chain keeps its names in view. */
export function indentRem(depth: number): number {
  return 0.2 + Math.min(depth, FULL_STEPS) * 1.2 + Math.max(0, depth - FULL_STEPS) * 0.3;
}

/** The button that folds a span's subtree away and back (a real button: Tab, Enter and Space reach it). */
function Fold({ node, open, toggle }: { node: Node; open: boolean; toggle: (spanId: string) => void }) {
  if (node.children.length === 0) return <span class="fold-space" aria-hidden="true" />;
  return (
    <button
      type="button"
      class="fold"
      aria-expanded={open}
      aria-label={`${open ? 'Collapse' : 'Expand'} ${node.span.name} (${node.below} spans under it)`}
      onClick={() => toggle(node.span.spanId)}
    >
      {open ? '▾' : '▸'}
    </button>
  );
}

interface RowProps {
  node: Node;
  index: number;
  open: boolean;
  selected: boolean;
  link: string;
  scale: Scale;
  toggle: (spanId: string) => void;
  /** The page's clock while a span runs (running-clock.ts). */
  now?: number;
}

function Row({ node, index, open, selected, link, scale, toggle, now }: RowProps) {
  const { span, depth } = node;
  const offClock = scale.offClock(span);
  const left = ((span.startMs - scale.start) / scale.total) * 100;
  const width = Math.max(0.3, ((shownEnd(span, now) - span.startMs) / scale.total) * 100);
  return (
    <tr
      class={`${span.status === 'error' ? 'error' : ''}${selected ? ' selected' : ''}`}
      aria-rowindex={index + 2}
      data-index={index}
      data-span={span.name}
      data-span-id={span.spanId}
      data-parent-id={span.parentSpanId ?? ''}
      data-depth={depth}
      data-below={node.below}
    >
      <th scope="row" title={depth > FULL_STEPS ? `${span.name} (depth ${depth})` : span.name}>
        {/* Indented by padding in % of the cell at most (style.css), so the name keeps half the column however deep. */}
        <div class="span-cell" style={{ paddingLeft: `min(${indentRem(depth)}rem, 50%)` }}>
          {depth > FULL_STEPS && (
            <span class="depth" aria-hidden="true">
              {depth}
            </span>
          )}
          <Fold node={node} open={open} toggle={toggle} />
          <a href={link} aria-current={selected ? 'true' : undefined}>
            {span.name}
          </a>
        </div>
      </th>
      <td>{span.tier}</td>
      <td class="timeline">
        {offClock ? (
          <span class="off-clock" title="a time before 2000 or a year off the boot (a sender's clock or unit error)">
            ?
          </span>
        ) : (
          <span class={`bar status-${span.status}${span.running ? ' running' : ''}`} style={{ left: `${left}%`, width: `${width}%` }} />
        )}
      </td>
      <td>{offClock ? '?' : span.running ? `${formatMs(shownDuration(span, now))}…` : formatMs(span.durationMs)}</td>
      <td>
        <span class={`status status-${span.status}`}>{span.running ? 'running' : span.cutShort ? '⚠ cut short' : span.status === 'error' ? '⚠ error' : span.status}</span>
      </td>
    </tr>
  );
}

/** Where a key moves the focus from row `at` (undefined: the key is not one of ours). */
function keyTarget(key: string, at: number, rows: Node[], fold: (node: Node, open: boolean) => boolean): number | undefined {
  const node = rows[at]!;
  if (key === 'ArrowDown') return Math.min(rows.length - 1, at + 1);
  if (key === 'ArrowUp') return Math.max(0, at - 1);
  if (key === 'PageDown') return Math.min(rows.length - 1, at + PAGE_ROWS);
  if (key === 'PageUp') return Math.max(0, at - PAGE_ROWS);
  if (key === 'Home') return 0;
  if (key === 'End') return rows.length - 1;
  // ← folds an open subtree, else goes to the parent; → unfolds a folded one, else goes to the first child.
  if (key === 'ArrowRight') return fold(node, true) || node.children.length === 0 ? at : at + 1;
  if (key === 'ArrowLeft') return fold(node, false) || !node.parent ? at : Math.max(0, rows.lastIndexOf(node.parent, at));
  return undefined;
}

interface RowKeysOptions {
  rows: Node[];
  collapsed: ReadonlySet<string>;
  toggle: (spanId: string) => void;
  selected?: string;
  box: RefObject<HTMLDivElement | null>;
  setView: (view: { top: number; height: number }) => void;
}

/**
 * The rows' keyboard: the key handler for the scrolling box, which moves the focus to the row a key names (scrolled
 * into view first, focused once drawn); and a span opened by its address (a shared link, a reload) is scrolled into
 * view once.
 */
function useRowKeys({ rows, collapsed, toggle, selected, box, setView }: RowKeysOptions): (event: KeyboardEvent) => void {
  /** The row to focus once drawn (a key moved to it). */
  const focusAt = useRef<number | undefined>(undefined);
  const scrolledTo = useRef<string | undefined>(undefined);

  /** Scrolls so that row `index` is in view (drawn at the next render). */
  const reveal = (index: number) => {
    const element = box.current;
    if (!element) return;
    const head = element.querySelector('thead')?.offsetHeight ?? 0;
    const top = head + index * ROW_HEIGHT;
    if (top - head < element.scrollTop) element.scrollTop = top - head;
    else if (top + ROW_HEIGHT > element.scrollTop + element.clientHeight) element.scrollTop = top + ROW_HEIGHT - element.clientHeight;
    setView({ top: element.scrollTop, height: element.clientHeight });
  };

  useLayoutEffect(() => {
    if (!selected || scrolledTo.current === selected) return;
    const index = rows.findIndex((node) => node.span.spanId === selected);
    if (index < 0) return;
    scrolledTo.current = selected;
    reveal(index);
  }, [selected, rows]);

  useLayoutEffect(() => {
    if (focusAt.current === undefined) return;
    const row = box.current?.querySelector<HTMLElement>(`tr[data-index="${focusAt.current}"] a`);
    focusAt.current = undefined;
    row?.focus();
  });

  return (event: KeyboardEvent) => {
    const at = Number((event.target as Element).closest<HTMLElement>('tr[data-index]')?.dataset.index ?? NaN);
    if (Number.isNaN(at) || !rows[at]) return;
    const fold = (node: Node, open: boolean) => {
      if (node.children.length === 0 || collapsed.has(node.span.spanId) !== open) return false;
      toggle(node.span.spanId);
      return true;
    };
    const target = keyTarget(event.key, at, rows, fold);
    if (target === undefined) return;
    event.preventDefault();
    if (target === at) return;
    focusAt.current = target;
    reveal(target);
  };
}

interface RowsProps {
  rows: Node[];
  view: { top: number; height: number };
  collapsed: ReadonlySet<string>;
  selected?: string;
  link: (spanId: string) => string;
  scale: Scale;
  toggle: (spanId: string) => void;
  now?: number;
}

/** The rows in view (and OVERSCAN each side), with a spacer for those above and below. */
function Rows({ rows, view, collapsed, selected, link, scale, toggle, now }: RowsProps) {
  const first = Math.max(0, Math.floor(view.top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((view.top + view.height) / ROW_HEIGHT) + OVERSCAN);
  const drawn: JSX.Element[] = [];
  for (let i = first; i < last; i += 1) {
    const node = rows[i]!;
    const id = node.span.spanId;
    drawn.push(<Row key={id} node={node} index={i} open={!collapsed.has(id)} selected={selected === id} link={link(id)} scale={scale} toggle={toggle} now={now} />);
  }
  const spacer = (rowsOut: number, key: string) =>
    rowsOut > 0 && (
      <tr class="spacer" key={key} aria-hidden="true">
        <td colSpan={5} style={{ height: `${rowsOut * ROW_HEIGHT}px` }} />
      </tr>
    );
  return (
    <tbody>
      {spacer(first, 'before')}
      {drawn}
      {spacer(rows.length - last, 'after')}
    </tbody>
  );
}

/** The time line's span of time, from plausible spans only: a bad clock's span is drawn with `?` (plausible-time.ts). */
interface Scale {
  start: number;
  total: number;
  offClock: (span: SpanView) => boolean;
  /** Spans drawn with `?`. */
  offClockCount: number;
}

function timeScale(spans: readonly SpanView[], now: number | undefined): Scale {
  const rule = timeBase(spans);
  const offClock = (span: SpanView) => rule.offClock(span.startMs) || rule.offClock(span.endMs);
  let start = Infinity;
  let end = -Infinity;
  let offClockCount = 0;
  for (const span of spans) {
    if (offClock(span)) {
      offClockCount += 1;
      continue;
    }
    start = Math.min(start, span.startMs);
    end = Math.max(end, shownEnd(span, now));
  }
  if (start === Infinity) return { start: 0, total: 1, offClock, offClockCount };
  return { start, total: Math.max(1, end - start), offClock, offClockCount };
}

interface WaterfallProps {
  spans: SpanView[];
  selected?: string;
  traceId: string;
  params: Record<string, string>;
  /** The page's clock while a span runs: a running span's bar ends there (running-clock.ts). */
  now?: number;
}

export function Waterfall({ spans, selected, traceId, params, now }: WaterfallProps) {
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => setCollapsed(new Set()), [traceId]);
  const { box, view, setView } = useScrollView();
  const rows = useMemo(() => flatten(spans, collapsed), [spans, collapsed]);
  const scale = useMemo(() => timeScale(spans, now), [spans, now]);
  const toggle = (spanId: string) =>
    setCollapsed((previous) => {
      const next = new Set(previous);
      if (!next.delete(spanId)) next.add(spanId);
      return next;
    });
  const onKeyDown = useRowKeys({ rows, collapsed, toggle, selected, box, setView });
  const link = (spanId: string) => href('traces', { ...params, trace: traceId, span: spanId });
  const count = scale.offClockCount;
  return (
    <div class="waterfall-box">
    {count > 0 && (
      <p class="hint off-clock-note" data-testid="off-clock">
        {count} span{count > 1 ? 's' : ''} with a time before 2000 or a year off the boot: drawn with ?, left out of the time line's scale
      </p>
    )}
    <div class="waterfall-scroll" ref={box} onScroll={() => box.current && setView({ top: box.current.scrollTop, height: box.current.clientHeight })} onKeyDown={onKeyDown}>
      <table class="waterfall" aria-label={`Spans of trace ${traceId}`} aria-rowcount={rows.length + 1}>
        <TableHead columns={['span', 'tier', `timeline (${formatMs(scale.total)})`, 'took', 'status']} />
        <Rows rows={rows} view={view} collapsed={collapsed} selected={selected} link={link} scale={scale} toggle={toggle} now={now} />
      </table>
    </div>
    </div>
  );
}
