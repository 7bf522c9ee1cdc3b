/** Which tiers `land logs a b …` shows, and how the recent lines of several are put in one order. */
import { describe, expect, it } from 'vitest';
import { mergeByTime } from '../../src/control/log-selection.js';
import type { LogLine } from '../../src/control/protocol.js';
import { groupOfName, selects, unknownNames, unknownTiers } from '../../src/logs/selection.js';

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
    expect(unknownTiers(['ghost'])).toBe('unknown tier ghost');
    expect(unknownTiers(['ghost', 'spook'], true)).toBe('unknown tiers "ghost", "spook"');
  });
});

describe('mergeByTime', () => {
  it('merges by time, keeps each list in its own order, and puts the earlier list first on a tie', () => {
    const a = [line('a', 'a1', 10), line('a', 'a2', 30), line('a', 'a3', 30)];
    const b = [line('b', 'b1', 20), line('b', 'b2', 30), line('b', 'b3', 40)];
    // A list out of time order (a clock stepped back) keeps its order.
    const c = [line('c', 'c1', 25), line('c', 'c2', 5)];
    expect(mergeByTime([a, b, c]).map((entry) => entry.line)).toEqual(['a1', 'b1', 'c1', 'c2', 'a2', 'a3', 'b2', 'b3']);
    expect(mergeByTime([])).toEqual([]);
    expect(mergeByTime([[], a]).map((entry) => entry.line)).toEqual(['a1', 'a2', 'a3']);
  });
});
