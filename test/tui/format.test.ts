import { describe, expect, it } from 'vitest';
import { fit, rule, truncate } from '../../src/text/cut.js';
import {
  meaningfulPart,
  formatBytes,
  formatCountdown,
  formatDuration,
  formatPercent,
  formatUptime,
  sanitizeLine,
} from '../../src/tui/format.js';

describe('format', () => {
  it('formats durations from milliseconds to days', () => {
    expect(formatDuration(340)).toBe('340ms');
    expect(formatDuration(1234)).toBe('1.2s');
    expect(formatDuration(42_900)).toBe('42s');
    expect(formatDuration(184_000)).toBe('3m04s');
    expect(formatDuration(2 * 3600_000 + 5 * 60_000)).toBe('2h05m');
    expect(formatDuration(3 * 86_400_000 + 4 * 3600_000)).toBe('3d04h');
    expect(formatDuration(-1)).toBe('-');
  });

  it('shows uptimes in seconds for the first 10 minutes, then in minutes, then in hours', () => {
    expect(formatUptime(1234)).toBe('1.2s');
    expect(formatUptime(184_000)).toBe('3m04s');
    expect(formatUptime(10 * 60_000 - 1)).toBe('9m59s');
    expect(formatUptime(10 * 60_000)).toBe('10m');
    expect(formatUptime(42 * 60_000 + 59_999)).toBe('42m');
    expect(formatUptime(2 * 3600_000 + 5 * 60_000 + 30_000)).toBe('2h05m');
    expect(formatUptime(3 * 86_400_000 + 4 * 3600_000)).toBe('3d04h');
  });

  it('counts down in whole seconds, rounding up', () => {
    expect(formatCountdown(10_000 + 2100, 10_000)).toBe('in 3s');
    expect(formatCountdown(10_000 + 3000, 10_000)).toBe('in 3s');
    expect(formatCountdown(10_000 + 90_000, 10_000)).toBe('in 1m30s');
    expect(formatCountdown(9_000, 10_000)).toBe('now');
  });

  it('formats bytes and percentages compactly', () => {
    expect(formatBytes(512)).toBe('512B');
    expect(formatBytes(1536)).toBe('1.5K');
    expect(formatBytes(42 * 1024 * 1024 + 1000)).toBe('42M');
    expect(formatBytes(1.25 * 1024 ** 3)).toBe('1.3G');
    expect(formatPercent(0)).toBe('0%');
    expect(formatPercent(0.44)).toBe('0.4%');
    expect(formatPercent(187.4)).toBe('187%');
  });

  it('makes a child line safe to print on one row', () => {
    expect(sanitizeLine('\u001B[31merror\u001B[0m:\tbad\r\nnext\u0007')).toBe('error:  bad next');
    expect(sanitizeLine('\u001B]0;title\u0007plain')).toBe('plain');
  });

  it('truncates with an ellipsis and pads to a width', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
    expect(truncate('abc', 0)).toBe('');
    expect(fit('ab', 4)).toBe('ab  ');
    expect(fit('abcdef', 4)).toBe('abc…');
  });

  it('cuts and pads by terminal columns: a CJK character or an emoji takes two', () => {
    expect(fit('終わり', 8)).toBe('終わり  ');
    expect(truncate('終わり: wide', 7)).toBe('終わり…');
    // A wide character that would cross the edge is left out whole.
    expect(truncate('ab終わり', 5)).toBe('ab終…');
    expect(fit('ab終わり', 6)).toBe('ab終… ');
    expect(fit('ok 👍🏽 done', 8)).toBe('ok 👍🏽 d…');
    expect(truncate('e\u0301te', 3)).toBe('e\u0301te');
    expect(rule('日本', 6)).toBe('日本──');
  });

  it('drops a leading timestamp from a last line, and keeps a line that is nothing else', () => {
    expect(meaningfulPart('[2026-12-05T10:00:00Z] listening on 8080')).toBe('listening on 8080');
    expect(meaningfulPart('2026-12-05T10:00:00.123+01:00 | ready')).toBe('ready');
    expect(meaningfulPart('2026-12-05 10:00:00,5 INFO started')).toBe('INFO started');
    expect(meaningfulPart('(10:00:01) - hello')).toBe('hello');
    expect(meaningfulPart('[2026-12-05T10:00:00Z] ')).toBe('[2026-12-05T10:00:00Z] ');
    expect(meaningfulPart('2026 was a good year')).toBe('2026 was a good year');
    expect(meaningfulPart('12:00 lunch')).toBe('12:00 lunch');
  });
});
