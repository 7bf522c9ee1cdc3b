/**
 * A trace's spans as the waterfall's rows: depth-first, children under their parent by start time, orphans as roots.
 * Parent links come from senders and may form a cycle (a span that names its own descendant as parent): such spans
 * are neither roots nor under one, so each cycle is cut above its earliest span, which becomes a root.
 */
import type { SpanView } from '../wire.js';

export interface SpanNode {
  span: SpanView;
  depth: number;
  children: SpanNode[];
  /** Spans under it, at any depth. */
  below: number;
  parent?: SpanNode;
}

/** Depth-first from `roots`, each list by start: every node reached (depth set), and those `collapsed` leaves shown. */
function walk(roots: SpanNode[], collapsed: ReadonlySet<string>): { shown: SpanNode[]; reached: number } {
  const shown: SpanNode[] = [];
  let reached = 0;
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
    reached += 1;
    if (open) shown.push(node);
    push(node.children, depth + 1, open && !collapsed.has(node.span.spanId));
  }
  return { shown, reached };
}

/** Cuts every cycle of parent links among the nodes `walk` did not reach, above each cycle's earliest span. */
function cutCycles(nodes: Iterable<SpanNode>, roots: SpanNode[]): void {
  const reached = new Set<SpanNode>();
  const mark = (from: SpanNode) => {
    for (const stack = [from]; stack.length > 0; ) {
      const node = stack.pop()!;
      reached.add(node);
      for (const child of node.children) stack.push(child);
    }
  };
  roots.forEach(mark);
  for (const node of nodes) {
    if (reached.has(node)) continue;
    // Up the parent links until one repeats: that one is on the cycle (the node may only hang below it).
    const chain = new Set<SpanNode>();
    let on = node;
    while (!chain.has(on)) {
      chain.add(on);
      on = on.parent!;
    }
    let earliest = on;
    for (let next = on.parent!; next !== on; next = next.parent!) if (next.span.startMs < earliest.span.startMs) earliest = next;
    const parent = earliest.parent!;
    parent.children.splice(parent.children.indexOf(earliest), 1);
    earliest.parent = undefined;
    roots.push(earliest);
    mark(earliest);
  }
}

/** The rows of a trace; the spans under a collapsed one are left out (their count stays on it). */
export function flatten(spans: SpanView[], collapsed: ReadonlySet<string>): SpanNode[] {
  const nodes = new Map(spans.map((span) => [span.spanId, { span, depth: 0, children: [] as SpanNode[], below: 0 } as SpanNode]));
  const roots: SpanNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.span.parentSpanId ? nodes.get(node.span.parentSpanId) : undefined;
    if (parent && parent !== node) {
      parent.children.push(node);
      node.parent = parent;
    } else roots.push(node);
  }
  const first = walk(roots, collapsed);
  const cycles = first.reached < nodes.size;
  if (cycles) cutCycles(nodes.values(), roots);
  const { shown } = cycles ? walk(roots, collapsed) : first;
  // Spans under each, counted from the deepest up (every node is pushed after its parent).
  const all = [...nodes.values()].sort((a, b) => b.depth - a.depth);
  for (const node of all) if (node.parent) node.parent.below += 1 + node.below;
  return shown;
}
