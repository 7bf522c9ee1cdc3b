/**
 * The live cells (src/tui/live-cells.ts): where they sit in a frame ink really drew, and that rewriting them in place
 * turns the screen of one frame into the frame a second later (or with newer last lines), character for character.
 */
import { describe, expect, it } from 'vitest';
import { rowBudget, tierColumns } from '../../src/tui/layout.js';
import { changedSpans, liveSpans, patchSequence, type LiveLayout } from '../../src/tui/live-cells.js';
import type { UsageByPid } from '../../src/usage/tree-usage.js';
import type { StackSnapshot } from '../../src/supervisor/types.js';
import { FakeControl, sleep, stack, T0, tier } from './fake-control.js';
import { renderApp } from './render-app.js';

const WIDTH = 100; // ink-testing-library's terminal
const ROWS = 30;

function snapshotOf(worker: 'exited' | 'backoff' = 'exited'): StackSnapshot {
  return stack(
    [
      tier('api', 'ready', { pid: 10, startedAt: T0 - 9_400, timeToReadyMs: 1200 }),
      tier('db', 'ready', { pid: 11, startedAt: T0 - 59_600 }),
      tier('cache', 'disabled', { gatedBy: 'Spawn=false' }),
      tier('worker', worker, { nextRestartAt: T0 + 3_000, restarts: 2, lastExit: { code: 1, signal: null, at: T0 - 500 } }),
      tier('queue', 'starting', { pid: 12, startedAt: T0 - 600 }),
    ],
    { startedAt: T0 - 9_800 },
  );
}

function layoutOf(snapshot: StackSnapshot): LiveLayout {
  const names = snapshot.tiers.map((t) => t.name);
  return {
    width: WIDTH,
    columns: tierColumns(WIDTH, names, names, false),
    selected: 0,
    visibleRows: rowBudget(ROWS, snapshot.tiers.length, false).tierRows,
  };
}

/** The plain frame the App draws at `now`. */
async function frameAt(now: number, snapshot = snapshotOf()): Promise<string[]> {
  const app = renderApp(new FakeControl(snapshot), { clock: () => now, columns: WIDTH, rows: ROWS });
  await app.untilText('queue');
  await sleep(50);
  const lines = app.frame().split('\n');
  app.unmount();
  return lines;
}

/** A terminal that knows the four moves a patch uses: up, down, to a column, carriage return; text overwrites. */
function applyPatch(screen: string[], height: number, patch: string): string[] {
  const lines = screen.map((line) => [...line]);
  let row = height;
  let column = 0;
  for (const [, count, move, text] of patch.matchAll(/\u001B\[(\d+)([ABG])|\r|([^\u001B\r]+)/g)) {
    if (move === 'A') row -= Number(count);
    else if (move === 'B') row += Number(count);
    else if (move === 'G') column = Number(count) - 1;
    else if (text === undefined) column = 0;
    else {
      const line = (lines[row] ??= []);
      for (const char of text) {
        while (line.length < column) line.push(' ');
        line[column++] = char;
      }
    }
  }
  expect([row, column]).toEqual([height, 0]); // the cursor back where ink left it
  return lines.map((line) => line.join('').trimEnd());
}

describe('live cells', () => {
  it('sit where the frame shows them: the header uptime, and UP to MEM in each row', async () => {
    const snapshot = snapshotOf();
    const spans = liveSpans(snapshot, T0, new Map(), layoutOf(snapshot));
    const frame = await frameAt(T0);
    expect(spans.get('up')?.text).toBe('9.8s');
    expect(spans.get('cache')?.inPlace).toBe(false); // a dimmed row is not rewritten in place
    for (const [key, span] of spans) {
      expect(frame[span.line]!.slice(span.column, span.column + span.text.length), key).toBe(span.text);
    }
    expect(spans.get('api')!.text.trim().split(/\s+/)).toEqual(['9.4s', '0', '1.2s', '-', '-']);
  });

  it('rewritten in place, turn one frame into the next: uptimes that grow, shrink (9.9s → 10s) and gain a minute', async () => {
    const snapshot = snapshotOf();
    const layout = layoutOf(snapshot);
    const before = await frameAt(T0);
    const later = T0 + 1_000;
    const changed = changedSpans(liveSpans(snapshot, T0, new Map(), layout), liveSpans(snapshot, later, new Map(), layout));
    expect(changed?.map((span) => span.line).sort()).toEqual([0, 3, 4, 7]); // the header, api, db, queue
    const height = before.length;
    expect(applyPatch(before, height, patchSequence(changed!, height))).toEqual(await frameAt(later));
  });

  it('follow the usage sampler, and refuse what cannot be rewritten in place', () => {
    const snapshot = snapshotOf();
    const layout = layoutOf(snapshot);
    const usage: UsageByPid = new Map([[10, { cpu: 12.4, memory: 42 * 1024 * 1024, processes: 1 }]]);
    const changed = changedSpans(liveSpans(snapshot, T0, new Map(), layout), liveSpans(snapshot, T0, usage, layout));
    expect(changed).toHaveLength(1);
    expect(changed![0]!.text.trim().split(/\s+/)).toEqual(['9.4s', '0', '1.2s', '12%', '42M']);
    // Another window of rows (a different selection), or a header that no longer fits: a frame, not a patch.
    const other = liveSpans(snapshot, T0, new Map(), { ...layout, visibleRows: 2 });
    expect(changedSpans(liveSpans(snapshot, T0, new Map(), layout), other)).toBeUndefined();
    const narrow = liveSpans(snapshot, T0, new Map(), { ...layout, width: 40, columns: tierColumns(40, ['api'], ['api']) });
    expect(narrow.get('up')?.inPlace).toBe(false);
    expect(narrow.get('api')?.inPlace).toBe(false);
    const shuttingDown = liveSpans({ ...snapshot, shuttingDown: true }, T0, new Map(), layout);
    expect(shuttingDown.get('up')?.inPlace).toBe(false);
    // A backoff's countdown is in the last column: when it moves, a frame.
    const backoff = snapshotOf('backoff');
    const counting = changedSpans(liveSpans(backoff, T0, new Map(), layout), liveSpans(backoff, T0 + 1_000, new Map(), layout));
    expect(counting).toBeUndefined();
    expect(changedSpans(liveSpans(backoff, T0, new Map(), layout), liveSpans(backoff, T0 + 100, new Map(), layout))).toBeDefined();
  });

  it('a last line rewritten in place turns the frame into the next, longer or shorter, cut or not; a wide one needs a frame', async () => {
    const withLine = (line: string): StackSnapshot => {
      const snapshot = snapshotOf();
      snapshot.tiers[0]!.lastLine = line;
      return snapshot;
    };
    const layout = layoutOf(snapshotOf());
    // Longer than the column (cut with an ellipsis in the terminal's last column), short, a leading timestamp dropped.
    const lines = [`GET /${'a'.repeat(80)}`, 'listening on 8080', '[2026-12-05T10:00:00Z] ready in 12 ms', 'ok'];
    let before = withLine(lines[0]!);
    let screen = await frameAt(T0, before);
    const height = screen.length;
    for (const line of lines.slice(1)) {
      const after = withLine(line);
      const changed = changedSpans(liveSpans(before, T0, new Map(), layout), liveSpans(after, T0, new Map(), layout));
      expect(changed?.map((span) => span.line)).toEqual([3]); // api's row, its last column alone
      screen = applyPatch(screen, height, patchSequence(changed!, height));
      expect(screen).toEqual(await frameAt(T0, after));
      before = after;
    }
    // A character two columns wide, or one that joins the one before: the columns would not be where the spans say.
    for (const line of ['日本語のログ', 'cafe\u0301 open']) {
      expect(changedSpans(liveSpans(before, T0, new Map(), layout), liveSpans(withLine(line), T0, new Map(), layout))).toBeUndefined();
    }
  });
});
