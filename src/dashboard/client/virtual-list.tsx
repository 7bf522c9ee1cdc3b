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
}

export function VirtualList({ count, rowHeight, renderRow, follow, onFollowChange, label, version }: VirtualListProps) {
  const box = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 600 });
  const programmatic = useRef(false);

  useLayoutEffect(() => {
    const element = box.current;
    if (!element) return;
    const measure = () => setView({ top: element.scrollTop, height: element.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    const element = box.current;
    if (!element || !follow) return;
    programmatic.current = true;
    element.scrollTop = element.scrollHeight;
    setView({ top: element.scrollTop, height: element.clientHeight });
  }, [follow, count, version]);

  const onScroll = () => {
    const element = box.current;
    if (!element) return;
    setView({ top: element.scrollTop, height: element.clientHeight });
    if (programmatic.current) {
      programmatic.current = false;
      return;
    }
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
