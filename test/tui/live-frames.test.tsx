/**
 * What an idle stack writes to the terminal with live cells on (runTui's setting): its moving cells, and a whole frame
 * only when something needs one. ink's own writes are watched (src/tui/use-live-cells.ts): console output above the
 * UI, after which ink puts back its last frame with the cells as they were then, is followed by a frame at the next
 * change, not by a repaint every 10 s.
 */
import { EventEmitter } from 'node:events';
import { useStdout } from 'ink';
import { useEffect } from 'react';
import { describe, expect, it } from 'vitest';
import { loadTui } from '../../src/tui/load.js';
import { FakeControl, plain, stack, tier, waitFor } from './fake-control.js';
import { asStdin, asStdout, FakeKeyboard, FakeTerminal } from './fake-terminal.js';

const { App } = await loadTui();
const { render } = await import('ink');

/** ink's own write for console output above the UI (what its patchConsole calls). */
function InkWrite({ onReady }: { onReady: (write: (data: string) => void) => void }) {
  const { write } = useStdout();
  useEffect(() => onReady(write), [onReady, write]);
  return null;
}

/** A stack on a real clock, drawn as runTui draws it: live cells on, no usage sampler. */
function mount(control: FakeControl, onFinished: (cleanup: () => void) => void) {
  const terminal = new FakeTerminal(120, 30);
  // stderr on the same terminal, as a shell gives both: its writes land among stdout's, past ink.
  const toTerminal = terminal.write;
  const stderr = Object.assign(new EventEmitter(), { isTTY: true, write: (data: string) => toTerminal(data) });
  let inkWrite: ((data: string) => void) | undefined;
  const instance = render(
    <>
      <App control={control} mode="watch" sampleUsage={false} liveCells />
      <InkWrite onReady={(write) => (inkWrite = write)} />
    </>,
    { stdout: asStdout(terminal), stderr: stderr as unknown as NodeJS.WriteStream, stdin: asStdin(new FakeKeyboard()), exitOnCtrlC: false, patchConsole: false },
  );
  onFinished(() => instance.unmount());
  return { terminal, write: (data: string) => inkWrite!(data), writeStderr: (data: string) => stderr.write(data) };
}

/** ink's frames begin by erasing the lines of the one before; the cells' rewrites only move the cursor. */
const isFrame = (chunk: string): boolean => chunk.includes('\u001B[2K');
const tierRow = (chunk: string): string => plain(chunk).split('\n').find((line) => line.includes('mountain')) ?? '';
/** An uptime rewritten in place. (The first frame has nothing to erase, so isFrame misses it; it has the tier's row.) */
const isUptimeRewrite = (chunk: string): boolean => !isFrame(chunk) && tierRow(chunk) === '' && /\d+s/.test(chunk);

/** Whether `check` holds within `ms` (polled as waitFor does), without failing when it does not. */
async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() >= end) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

// These wait on the UI's own clock with little to do meanwhile (the longest, 12 s): side by side, each unmounting its
// own. The minute's turn below adapts its lead to the machine (it mounts again with a longer one), so it can run here.
describe.concurrent('live cells on a terminal', () => {
  it('console output above the UI: the next change draws a frame, so a cell ink put back is not left stale', async ({ onTestFinished }) => {
    // The header's uptime moves every second; the tier's shows minutes and turns from 10m to 11m `leadMs` after the
    // mount. The UI must be drawing its live cells before the turn (a first frame with 10m, then the header's uptime
    // rewritten in place): a turn before that lands in one of the first frames. On a loaded machine it may not be, so
    // the stack is mounted again with twice the lead until it is (the condition, not a guess at the machine's speed).
    // An attempt lasts at most its lead (the turn), and every wait is bounded by what is left of one budget inside the
    // test's timeout: a slow machine fails naming the condition it missed.
    const budget = Date.now() + 50_000;
    const left = () => budget - Date.now();
    // What an attempt needs of the budget: itself (up to the turn), the turn's rewrite, the frame after the console line.
    const attemptAndAfter = (lead: number) => lead + 6_000 + 4_000;
    let leadMs = 2_000;
    let mounted: ReturnType<typeof mount> | undefined;
    while (!mounted && left() >= attemptAndAfter(leadMs)) {
      const now = Date.now();
      const control = new FakeControl(stack([tier('mountain', 'ready', { pid: 4321, startedAt: now - 11 * 60_000 + leadMs })], { startedAt: now - 5_000 }));
      let unmount = () => {};
      const attempt = mount(control, (cleanup) => (unmount = cleanup));
      const { chunks } = attempt.terminal;
      const live = await until(() => chunks.some(isUptimeRewrite), leadMs);
      const before = live && /mountain\s+ready\s+4321\s+10m/.test(tierRow(attempt.terminal.output)) && !chunks.some((chunk) => chunk.includes('11m'));
      if (before) {
        mounted = attempt;
        onTestFinished(unmount);
      } else {
        unmount();
        leadMs *= 2;
      }
    }
    expect(mounted, `live cells before the minute turns (last lead ${leadMs / 2} ms)`).toBeDefined();
    const { terminal, write } = mounted!;
    // The minute turns: rewritten in place (no frame).
    await waitFor(() => terminal.chunks.some((chunk) => !isFrame(chunk) && chunk.includes('11m')), '11m rewritten in place', Math.min(leadMs + 6_000, left()));
    const mark = terminal.chunks.length;
    write('a line above the UI\n');
    // ink wrote the line and its last frame again: the one that says 10m.
    expect(terminal.chunks.slice(mark).some((chunk) => /\s10m/.test(tierRow(chunk)))).toBe(true);
    // The header's next second draws a frame with the tier's 11m, though that cell did not change since it was rewritten.
    await waitFor(
      () => terminal.chunks.slice(mark).some((chunk) => isFrame(chunk) && /mountain\s+ready\s+4321\s+11m/.test(tierRow(chunk))),
      () => `a frame with 11m after the console line: ${JSON.stringify(terminal.chunks.slice(mark))}`,
      Math.min(4_000, Math.max(left(), 0)),
    );
  }, 60_000);

  it('an idle stack whose uptimes move draws no whole frame, only its cells, for longer than 10 s', async ({ onTestFinished }) => {
    const now = Date.now();
    const { terminal } = mount(new FakeControl(stack([tier('mountain', 'ready', { pid: 4321, startedAt: now })], { startedAt: now })), onTestFinished);
    await waitFor(() => terminal.output.includes('mountain'), 'the first frame');
    const first = terminal.chunks.length;
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    const later = terminal.chunks.slice(first);
    expect(later.filter(isFrame)).toEqual([]);
    // The uptimes moved every second all the same: each move a rewrite of the cells, a few dozen bytes.
    expect(later.length).toBeGreaterThanOrEqual(5);
    for (const chunk of later) expect(chunk.length).toBeLessThan(200);
  }, 20_000);

  it('a write to stderr on the same terminal (a warning node writes itself): the next change draws a frame', async ({ onTestFinished }) => {
    const now = Date.now();
    const { terminal, writeStderr } = mount(new FakeControl(stack([tier('mountain', 'ready', { pid: 4321, startedAt: now })], { startedAt: now })), onTestFinished);
    await waitFor(() => terminal.output.includes('mountain'), 'the first frame');
    await waitFor(() => terminal.chunks.some(isUptimeRewrite), 'an uptime rewritten in place', 8_000);
    const mark = terminal.chunks.length;
    writeStderr('(node:1) Warning: something\n');
    await waitFor(() => terminal.chunks.slice(mark + 1).some(isFrame), 'a frame after the stderr line', 4_000);
  }, 20_000);

  it("a log flood with no pane open rewrites the rows' last lines in place: no whole frame, the newest line shown", async ({ onTestFinished }) => {
    const now = Date.now();
    const control = new FakeControl(stack([tier('mountain', 'ready', { pid: 4321, startedAt: now }), tier('river', 'ready', { pid: 4322, startedAt: now })], { startedAt: now }));
    const { terminal } = mount(control, onTestFinished);
    await waitFor(() => terminal.output.includes('river'), 'the first frame');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const first = terminal.chunks.length;
    // 1.5 s of lines, 20 every 10 ms, of changing lengths: ten refreshes a second, each shows the newest.
    for (let index = 1; index <= 3_000; index += 1) {
      control.log(index % 2 === 0 ? 'mountain' : 'river', `line ${index} ${'x'.repeat((index * 7) % 40)}`);
      if (index % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    control.log('mountain', 'done');
    await waitFor(() => terminal.chunks.slice(first).some((chunk) => chunk.includes('done')), 'the last line shown');
    const later = terminal.chunks.slice(first);
    expect(later.filter(isFrame)).toEqual([]);
    expect(later.length).toBeGreaterThanOrEqual(5);
    // The rewrite that shows it covers what the row's longer line before it held.
    const last = later.find((chunk) => chunk.includes('done'))!;
    expect(plain(last)).toMatch(/done {5,}/);
  }, 20_000);
});
