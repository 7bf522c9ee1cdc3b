/**
 * A list that renders only the rows in view (fixed row height), so 100 000 lines scroll as lightly as 100. With
 * `follow`, it stays at the bottom as rows arrive; scrolling up by hand turns follow off (onFollowChange).
 */
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';

const OVERSCAN = 20;

export interface VirtualListProps {
  count: number;
  rowHeight: number;
  renderRow: (index: number) => ComponentChildren;
  follow: boolean;
  onFollowChange: (follow: boolean) => void;
  label: string;
  /** Changes whenever the rows change (a version number). */
  version: unknown;
  /** Rows put in front of the earlier ones so far (grows): a list scrolled by hand keeps its rows in place. */
  prepended?: number;
}

/**
 * A scrolling box and what of it is in view (its scrollTop and height), measured when it is drawn and resized; set
 * `view` again after scrolling it (a scroll event does too, through the box's onScroll).
 */
export function useScrollView() {
  const box = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 600 });
  useLayoutEffect(() => {
    const element = box.current;
    if (!element) return;
    const measure = () => setView({ top: element.scrollTop, height: element.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return { box, view, setView };
}

export function VirtualList({ count, rowHeight, renderRow, follow, onFollowChange, label, version, prepended = 0 }: VirtualListProps) {
  const { box, view, setView } = useScrollView();
  /** Where this list last scrolled itself: the scroll event that follows is not the user's. */
  const scrolledTo = useRef(-1);
  const shifted = useRef(prepended);

  useLayoutEffect(() => {
    const element = box.current;
    const added = prepended - shifted.current;
    shifted.current = prepended;
    if (!element || follow || added <= 0) return;
    element.scrollTop += added * rowHeight;
    scrolledTo.current = element.scrollTop;
    setView({ top: element.scrollTop, height: element.clientHeight });
  }, [prepended]);

  useLayoutEffect(() => {
    const element = box.current;
    if (!element || !follow) return;
    element.scrollTop = element.scrollHeight;
    scrolledTo.current = element.scrollTop;
    setView({ top: element.scrollTop, height: element.clientHeight });
  }, [follow, count, version]);

  const onScroll = () => {
    const element = box.current;
    if (!element) return;
    setView({ top: element.scrollTop, height: element.clientHeight });
    // Compared by position, not a flag: scrolling to where the list already is fires no event to clear one.
    if (element.scrollTop === scrolledTo.current) return;
    const atBottom = element.scrollTop + element.clientHeight >= element.scrollHeight - rowHeight;
    if (atBottom !== follow) onFollowChange(atBottom);
  };

  const first = Math.max(0, Math.floor(view.top / rowHeight) - OVERSCAN);
  const last = Math.min(count, Math.ceil((view.top + view.height) / rowHeight) + OVERSCAN);
  const rows: ComponentChildren[] = [];
  for (let i = first; i < last; i += 1) rows.push(renderRow(i));
  return (
    <div class="virtual" ref={box} onScroll={onScroll} tabIndex={0} role="log" aria-live="off" aria-label={label}>
      <div style={{ height: `${count * rowHeight}px`, position: 'relative' }}>
        <div style={{ transform: `translateY(${first * rowHeight}px)` }}>{rows}</div>
      </div>
    </div>
  );
}
