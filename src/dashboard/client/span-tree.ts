/**
 * A trace's spans as the waterfall's rows: depth-first, children under their parent by start time, orphans as roots,
 * cycles of parent links cut as `land trace` cuts them (src/trace-tree/span-forest.ts).
 */
import { spanForest } from '../../trace-tree/span-forest.js';
import type { SpanView } from '../wire.js';

export interface SpanNode {
  span: SpanView;
  depth: number;
  children: SpanNode[];
  /** Spans under it, at any depth. */
  below: number;
  parent?: SpanNode;
}

/** Depth-first from `roots`, each list by start: every node's depth set, and those `collapsed` leaves shown. */
function walk(roots: SpanNode[], collapsed: ReadonlySet<string>): SpanNode[] {
  const shown: SpanNode[] = [];
  // A loop, not recursion: a chain of 10 000 spans (each the parent of the next) is a trace too.
  const stack: Array<{ node: SpanNode; depth: number; open: boolean }> = [];
  const push = (list: SpanNode[], depth: number, open: boolean) => {
    list.sort((a, b) => a.span.startMs - b.span.startMs);
    for (let i = list.length - 1; i >= 0; i -= 1) stack.push({ node: list[i]!, depth, open });
  };
  push(roots, 0, true);
  while (stack.length > 0) {
    const { node, depth, open } = stack.pop()!;
    node.depth = depth;
    if (open) shown.push(node);
    push(node.children, depth + 1, open && !collapsed.has(node.span.spanId));
  }
  return shown;
}

/** The rows of a trace; the spans under a collapsed one are left out (their count stays on it). */
export function flatten(spans: SpanView[], collapsed: ReadonlySet<string>): SpanNode[] {
  const { nodes, roots } = spanForest(spans, (span): SpanNode => ({ span, depth: 0, children: [], below: 0 }));
  const shown = walk(roots, collapsed);
  // Spans under each, counted from the deepest up (every node is pushed after its parent).
  const all = [...nodes.values()].sort((a, b) => b.depth - a.depth);
  for (const node of all) if (node.parent) node.parent.below += 1 + node.below;
  return shown;
}
