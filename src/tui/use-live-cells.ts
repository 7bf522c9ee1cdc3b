/**
 * The App's side of live-cells.ts: what the last frame holds, and rewriting its uptime, usage and last-line cells in
 * place when nothing else changed (an idle stack draws no frame, nor does a log flood). The App says what each frame
 * drew (`drawn`) and asks `paint` before committing a view that differs only in the clock, the usage and the tiers'
 * last lines.
 */
import { measureElement, useStderr, useStdout, type DOMElement } from 'ink';
import { useEffect, useLayoutEffect, useRef } from 'react';
import type { StackSnapshot } from '../supervisor/types.js';
import { changedSpans, liveSpansOf, patchSequence, type LiveLayout, type LiveSpan } from './live-cells.js';
import type { UsageByPid } from '../usage/tree-usage.js';

/** ink draws a commit within its render throttle (~33 ms): cells are rewritten only once the last frame is out. */
const FRAME_SETTLE_MS = 150;
/**
 * Sooner when ink has written since the frame was rendered (at once in the commit, or at the throttle's end) and the
 * throttle is over: a flood refreshes every 100 ms, and its last lines would otherwise never be rewritten in place.
 */
const INK_THROTTLE_MS = 40;

/** What a frame was drawn from. */
export interface DrawnFrame {
  layout: LiveLayout;
  snapshot: StackSnapshot;
  /** The snapshot's key but its tiers' last lines: a view with the same key differs only in what the cells show. */
  snapshotKey: string;
  now: number;
  usage: UsageByPid;
  /** The terminal's rows. */
  rows: number;
  help: boolean;
}

/** The live cells' values of a view. */
export interface LiveValues {
  snapshot: StackSnapshot;
  snapshotKey: string;
  now: number;
  usage: UsageByPid;
}

/** The last frame: when it was committed, how many lines it has, and the live cells as it shows them. */
interface Frame extends Omit<DrawnFrame, 'now' | 'usage'> {
  at: number;
  /** ink's writes counted when the frame was rendered: one more, and the frame is out. */
  writesBefore: number;
  /** Lines of output (`rows` is the terminal's). */
  height: number;
  // Worked out at the first rewrite, not at every commit (a flood commits often).
  spans: () => Map<string, LiveSpan>;
  /** A snapshot's spans at any moment and usage (liveSpansOf), made at its first rewrite. */
  spansOf: (snapshot: StackSnapshot) => (now: number, usage: UsageByPid) => Map<string, LiveSpan>;
}

export interface LiveCells {
  /** The App's root box: measured for the frame's height. */
  rootRef: React.RefObject<DOMElement | null>;
  /** Set during each render: what this frame draws. */
  drawn: { current: DrawnFrame | undefined };
  /** Rewrites the cells for `next` without a frame; false when a frame is needed (see live-cells.ts). */
  paint(next: LiveValues): boolean;
}

/** `resizing`: a resize is on its way or the screen not redrawn since (use-resize-redraw.ts): no write in place. */
export function useLiveCells(enabled: boolean, resizing: { readonly current: boolean } = { current: false }): LiveCells {
  const { stdout } = useStdout();
  const rootRef = useRef<DOMElement>(null);
  const drawn = useRef<DrawnFrame | undefined>(undefined);
  const frameRef = useRef<Frame | null>(null);
  /** The cells as paint() last wrote them, until the next frame: the screen, which ink does not know of. */
  const paintedRef = useRef<Map<string, LiveSpan> | null>(null);
  const mountedRef = useRef(true);
  useEffect(() => () => void (mountedRef.current = false), []);
  const { stderr } = useStderr();
  const inkWroteAt = useInkWrites(stdout, stderr, enabled);
  // Read during the App's render (this hook runs in it), kept by the commit's layout effect below.
  const writesAtRender = useRef(0);
  writesAtRender.current = inkWroteAt.count;

  /** Whether the screen holds `frame` where it was drawn: no resize since (or on its way, or not redrawn yet). */
  const atItsSize = (frame: Frame): boolean => !resizing.current && stdout.columns === frame.layout.width && stdout.rows === frame.rows;

  /** The cells' own writes: ink's are the others (see useInkWrites). */
  const write = (text: string): void => {
    inkWroteAt.own = true;
    try {
      stdout.write(text);
    } finally {
      inkWroteAt.own = false;
    }
  };

  const paint = (next: LiveValues): boolean => {
    const frame = frameRef.current;
    if (!enabled || !frame || frame.help || next.snapshotKey !== frame.snapshotKey) return false;
    const age = Date.now() - frame.at;
    const out = age >= FRAME_SETTLE_MS || (age >= INK_THROTTLE_MS && inkWroteAt.count > frame.writesBefore);
    if (!out || frame.height >= frame.rows) return false;
    // ink wrote after its frame was out: console output above the UI, after which ink puts its last frame back, with
    // the cells as that frame had them. A frame puts the newest values back.
    if (inkWroteAt.at > frame.at + FRAME_SETTLE_MS) return false;
    if (!atItsSize(frame)) return false;
    const spans = frame.spansOf(next.snapshot)(next.now, next.usage);
    const changed = changedSpans(frame.spans(), spans);
    if (!changed) return false;
    if (changed.length > 0) write(patchSequence(changed, frame.height));
    frame.spans = () => spans;
    paintedRef.current = spans;
    return true;
  };

  /**
   * ink writes a frame only when its text differs from the last one it wrote: a frame equal to that one after a paint
   * (a value that went back) leaves the painted cells on screen. Once ink has drawn, the cells that differ from the
   * frame are written again (when ink did draw, that rewrites the same text).
   */
  const resyncPainted = (frame: Frame): void => {
    const painted = paintedRef.current;
    paintedRef.current = null;
    if (!painted) return;
    setTimeout(() => {
      if (!mountedRef.current || frameRef.current !== frame || paintedRef.current || !atItsSize(frame)) return;
      const changed = changedSpans(painted, frame.spans());
      if (changed && changed.length > 0) write(patchSequence(changed, frame.height));
    }, FRAME_SETTLE_MS).unref();
  };

  // After every commit: what the frame holds, for paint(). Layout effects run once yoga has laid the frame out.
  useLayoutEffect(() => {
    if (!enabled || !rootRef.current || !drawn.current) return;
    const { layout, snapshot, snapshotKey, now, usage, rows, help } = drawn.current;
    // The spans of the last snapshot asked for: a flood asks for a new one at each refresh, a clock tick for the same.
    let known: { snapshot: StackSnapshot; spansAt: (at: number, sample: UsageByPid) => Map<string, LiveSpan> } | undefined;
    const frame: Frame = {
      layout,
      snapshot,
      snapshotKey,
      rows,
      help,
      at: Date.now(),
      writesBefore: writesAtRender.current,
      height: measureElement(rootRef.current).height,
      spans: () => frame.spansOf(snapshot)(now, usage),
      spansOf: (of) => {
        if (known?.snapshot !== of) known = { snapshot: of, spansAt: liveSpansOf(of, layout) };
        return known.spansAt;
      },
    };
    frameRef.current = frame;
    resyncPainted(frameRef.current);
  });

  return { rootRef, drawn, paint };
}

/** When ink last wrote, how many writes it made so far; `own` is set around the cells' writes, which are not ink's. */
interface InkWrites {
  at: number;
  count: number;
  own: boolean;
}

/**
 * When ink last wrote to the terminal (any write that is not the cells' own, which set `own` around theirs): its
 * frames, and the last frame it puts back under console output (ink's patchConsole). Watched by wrapping the stream's
 * write while the cells are on, so an idle stack needs no whole frame now and then to undo what ink may have redrawn.
 * stderr on the same terminal (a warning node writes there itself) and a resume after a stop (the shell wrote
 * meanwhile) count too: the cursor is no longer where the cells' moves expect it, and the next change draws a frame.
 */
function useInkWrites(stdout: NodeJS.WriteStream, stderr: NodeJS.WriteStream, enabled: boolean): InkWrites {
  const state = useRef<InkWrites>({ at: -Infinity, count: 0, own: false }).current;
  useEffect(() => {
    if (!enabled) return;
    const mark = (): void => {
      if (state.own) return;
      state.at = Date.now();
      state.count += 1;
    };
    const unwatch = [stdout, ...(stderr !== stdout && stderr?.isTTY ? [stderr] : [])].map((stream) => watchWrites(stream, mark));
    const resumed = () => void (state.at = Date.now());
    process.on('SIGCONT', resumed);
    return () => {
      process.off('SIGCONT', resumed);
      for (const undo of unwatch) undo();
    };
  }, [stdout, stderr, enabled, state]);
  return state;
}

/** Calls `mark` before each write to `stream`; returns what puts its write back. */
function watchWrites(stream: NodeJS.WriteStream, mark: () => void): () => void {
  const original = stream.write;
  const ownProperty = Object.prototype.hasOwnProperty.call(stream, 'write');
  const watched = function (this: unknown, ...args: unknown[]): boolean {
    mark();
    return (original as (...a: unknown[]) => boolean).apply(this, args);
  } as typeof stream.write;
  stream.write = watched;
  return () => {
    // Put back only our own wrapper: whatever wrapped the stream after us stays.
    if (stream.write !== watched) return;
    if (ownProperty) stream.write = original;
    else delete (stream as { write?: unknown }).write;
  };
}
