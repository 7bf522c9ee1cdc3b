/**
 * A trace's spans linked into trees, shared by `land trace` (the CLI) and the dashboard's waterfall (the browser):
 * pure, no Node and no DOM, so each bundle takes it without the other's code. Children hang under their parent, a span
 * whose parent is missing (or itself) is a root. Parent links come from senders and may form a cycle (a span that
 * names its own descendant as parent): such spans are neither roots nor under one, so each cycle is cut above its
 * earliest span, which becomes a root — every span is drawn once.
 */

/** What the forest needs of a span. */
export interface LinkedSpan {
  spanId: string;
  parentSpanId?: string;
  startMs: number;
}

/** A node as the caller makes it (it may carry more, as the waterfall's depth and count). */
export interface ForestNode<S extends LinkedSpan> {
  span: S;
  children: ForestNode<S>[];
  parent?: ForestNode<S>;
}

/** The nodes (by span id) and the roots, cycles cut; children are left in the order of `spans` (sorting is the caller's). */
export function spanForest<S extends LinkedSpan, N extends ForestNode<S>>(spans: readonly S[], make: (span: S) => N): { nodes: Map<string, N>; roots: N[] } {
  const nodes = new Map<string, N>();
  for (const span of spans) nodes.set(span.spanId, make(span));
  const roots: N[] = [];
  for (const node of nodes.values()) {
    const parent = node.span.parentSpanId ? nodes.get(node.span.parentSpanId) : undefined;
    if (parent && parent !== node) {
      parent.children.push(node);
      node.parent = parent;
    } else roots.push(node);
  }
  cutCycles(nodes.values(), roots);
  return { nodes, roots };
}

/** Cuts every cycle of parent links among the nodes not reached from `roots`, above each cycle's earliest span. */
function cutCycles<S extends LinkedSpan, N extends ForestNode<S>>(nodes: Iterable<N>, roots: N[]): void {
  const reached = new Set<ForestNode<S>>();
  // A loop, not recursion: a chain of 10 000 spans (each the parent of the next) is a trace too.
  const mark = (from: ForestNode<S>) => {
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
    const chain = new Set<ForestNode<S>>();
    let on: ForestNode<S> = node;
    while (!chain.has(on)) {
      chain.add(on);
      on = on.parent!;
    }
    let earliest = on;
    for (let next = on.parent!; next !== on; next = next.parent!) if (next.span.startMs < earliest.span.startMs) earliest = next;
    const parent = earliest.parent!;
    parent.children.splice(parent.children.indexOf(earliest), 1);
    earliest.parent = undefined;
    // Every node made by `make` is an N: the cut one is one of them.
    roots.push(earliest as N);
    mark(earliest);
  }
}
