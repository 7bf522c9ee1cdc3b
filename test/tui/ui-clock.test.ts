/** The UI's one timer (src/tui/ui-clock.ts): a sample and a poll ride the tick, the tick never runs early. */
import { describe, expect, it } from 'vitest';
import { createUiClock, SLACK_MS, type ClockJob } from '../../src/tui/ui-clock.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('the UI clock', () => {
  it('runs a sample and a poll due soon in the wake-up of the tick, and each job once per deadline', async () => {
    const wakes: Array<Set<ClockJob>> = [];
    const clock = createUiClock((due) => wakes.push(new Set(due)));
    const t = Date.now();
    clock.at('tick', t + 100);
    clock.at('sample', t + 100 + SLACK_MS - 150);
    clock.at('poll', t + 100 + SLACK_MS - 100);
    await sleep(100 + SLACK_MS + 300);
    clock.stop();
    expect(wakes).toEqual([new Set(['tick', 'sample', 'poll'])]);
  });

  it('never runs the tick before its deadline, though a sample woke the timer first', async () => {
    const runs: Array<{ job: ClockJob; at: number }> = [];
    const clock = createUiClock((due) => {
      for (const job of due) runs.push({ job, at: Date.now() });
    });
    const t = Date.now();
    clock.at('sample', t + 50);
    clock.at('tick', t + 300);
    await sleep(600);
    clock.stop();
    expect(runs.map((run) => run.job).sort()).toEqual(['sample', 'tick']);
    expect(runs.find((run) => run.job === 'tick')!.at).toBeGreaterThanOrEqual(t + 300 - 2); // a timer's jitter
  });

  it('a deadline set again replaces the earlier one; a stopped clock runs nothing', async () => {
    const wakes: Array<Set<ClockJob>> = [];
    const clock = createUiClock((due) => wakes.push(new Set(due)));
    clock.at('tick', Date.now() + 50);
    clock.at('tick', Date.now() + 250);
    await sleep(150);
    expect(wakes).toEqual([]);
    await sleep(250);
    expect(wakes).toEqual([new Set(['tick'])]);
    clock.at('tick', Date.now() + 50);
    clock.stop();
    await sleep(150);
    expect(wakes).toHaveLength(1);
  });
});
