/** Which tiers `land logs a b …` shows, and how the recent lines of several are put in one order. */
import { describe, expect, it } from 'vitest';
import { allLines, listSource, mergeByTime, newest } from '../../src/control/line-sources.js';
import type { LogLine } from '../../src/control/protocol.js';
import { tierSelection } from '../../src/control/log-selection.js';
import { CUT_MARK } from '../../src/supervisor/fragments.js';
import { RecentLines } from '../../src/supervisor/recent-lines.js';
import type { LineCut, SupervisorControl } from '../../src/supervisor/types.js';
import { selects, unknownNames, unknownTiers } from '../../src/logs/selection.js';
import { groupOfName } from '../../src/supervisor/replicas.js';

const line = (tier: string, text: string, at: number): LogLine => ({ tier, stream: 'stdout', line: text, at });

describe('the tiers named', () => {
  it('a tier with replicas names all of them, a replica itself, none every tier', () => {
    expect(groupOfName('web.12')).toBe('web');
    expect(groupOfName('web')).toBe('web');
    expect(selects([], 'anything')).toBe(true);
    expect(selects(['web'], 'web.3')).toBe(true);
    expect(selects(['web.2'], 'web.3')).toBe(false);
    expect(selects(['web'], 'webby')).toBe(false);
    expect(selects(['web-api'], 'web')).toBe(false);
    expect(unknownNames(['api', 'web.1', 'web.2'], ['web', 'web.2', 'web.3', 'ghost', 'api'])).toEqual(['web.3', 'ghost']);
    expect(unknownTiers(['ghost'])).toBe('unknown tier "ghost"');
    expect(unknownTiers(['ghost', 'spook'])).toBe('unknown tiers "ghost", "spook"');
    // An empty name (`GET /logs?tier=`) shows as one.
    expect(unknownTiers([''])).toBe('unknown tier ""');
  });
});

describe('mergeByTime', () => {
  const merged = (lists: LogLine[][]) => allLines(mergeByTime(lists.map((list) => listSource(list, (line) => line, (line) => line.line.length)))).map((entry) => entry.line);

  it('merges by time, keeps each list in its own order, and puts the earlier list first on a tie', () => {
    const a = [line('a', 'a1', 10), line('a', 'a2', 30), line('a', 'a3', 30)];
    const b = [line('b', 'b1', 20), line('b', 'b2', 30), line('b', 'b3', 40)];
    // A list out of time order (a clock stepped back) keeps its order.
    const c = [line('c', 'c1', 25), line('c', 'c2', 5)];
    expect(merged([a, b, c])).toEqual(['a1', 'b1', 'c1', 'c2', 'a2', 'a3', 'b2', 'b3']);
    expect(merged([])).toEqual([]);
    expect(merged([[], a])).toEqual(['a1', 'a2', 'a3']);
  });

  it('takes a line from a source only when it is its turn, and counts what is left; newest skips the older', () => {
    const taken: string[] = [];
    const source = (list: LogLine[]) => listSource(list, (entry) => (taken.push(entry.line), entry), (entry) => entry.line.length);
    const both = mergeByTime([source([line('a', 'a1', 1), line('a', 'a2', 3)]), source([line('b', 'b1', 2), line('b', 'b2', 4)])]);
    expect(both.left()).toBe(4);
    expect(both.leftBytes()).toBe(8);
    expect(taken).toEqual(['a1', 'b1']);
    expect(both.next()!.line).toBe('a1');
    expect(taken).toEqual(['a1', 'b1', 'a2']);
    expect(both.left()).toBe(3);
    const last = newest(listSource([line('a', 'a1', 1), line('a', 'a2', 2), line('a', 'a3', 3)], (entry) => entry, (entry) => entry.line.length), 2);
    expect(last.left()).toBe(2);
    expect(allLines(last).map((entry) => entry.line)).toEqual(['a2', 'a3']);
  });
});

describe('one tier\'s newest lines (`land logs <tier> -n`)', () => {
  /** A tier whose ring holds `blocks`; counts how often a block's lines are decoded for a reader. */
  const tierOf = (blocks: Array<{ lines: string[]; cut?: LineCut }>) => {
    const ring = new RecentLines(100);
    let decodes = 0;
    blocks.forEach(({ lines, cut }, at) => {
      const size = lines.reduce((sum, text) => sum + text.length, 0);
      ring.add('stdout', { lines, linesOnce: () => (decodes++, lines), count: lines.length, size, cut }, at);
    });
    const control = { logs: (_: string, limit?: number) => ring.entries(limit), readLogs: (_: string, limit?: number) => ring.reader(limit) };
    const shown = (limit: number) => allLines(tierSelection(control as unknown as SupervisorControl, undefined, 'api', limit).recent).map((entry) => entry.line);
    return { shown, decodes: () => decodes };
  };

  it('without fragments, decodes only the blocks of the newest lines, once', () => {
    const tier = tierOf([{ lines: ['a1', 'a2'] }, { lines: ['b1', 'b2'] }, { lines: ['c1', 'c2'] }]);
    expect(tier.shown(3)).toEqual(['b2', 'c1', 'c2']);
    expect(tier.decodes()).toBe(2);
  });

  it('with fragments, the newest joined lines (a count over the ring first)', () => {
    const tier = tierOf([{ lines: ['a1'] }, { lines: [`Password: ${CUT_MARK}`], cut: 'first' }, { lines: [`${CUT_MARK}hunter2`], cut: 'last' }, { lines: ['c1'] }]);
    expect(tier.shown(2)).toEqual(['Password: hunter2', 'c1']);
  });
});
