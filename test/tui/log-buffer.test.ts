import { describe, expect, it, vi } from 'vitest';
import type { FragmentJoiner } from '../../src/logs/fragment-join.js';
import { FOLLOW, LogBuffer, paneWindow, scrollBy, scrollToStart } from '../../src/tui/log-buffer.js';

function filled(count: number, capacity = 100): LogBuffer {
  const buffer = new LogBuffer(capacity);
  for (let index = 0; index < count; index += 1) buffer.push('stdout', `line ${index}`);
  return buffer;
}

const texts = (buffer: LogBuffer, scroll: Parameters<typeof paneWindow>[1], height: number) =>
  paneWindow(buffer, scroll, height).lines.map((entry) => entry.line);

describe('LogBuffer', () => {
  it('keeps only the newest `capacity` lines however many arrive', () => {
    const buffer = filled(10_000, 100);
    expect(buffer.size).toBe(100);
    expect(buffer.start).toBe(9900);
    expect(buffer.end).toBe(10_000);
    expect(buffer.slice(buffer.start, buffer.start + 2).map((entry) => entry.line)).toEqual(['line 9900', 'line 9901']);
  });

  it('follows the newest lines, and stays put while paused as new lines arrive', () => {
    const buffer = filled(50);
    expect(texts(buffer, FOLLOW, 3)).toEqual(['line 47', 'line 48', 'line 49']);

    const paused = scrollBy(buffer, FOLLOW, 3, -5);
    expect(paused).toEqual({ follow: false, top: 42 });
    buffer.push('stderr', 'line 50');
    expect(texts(buffer, paused, 3)).toEqual(['line 42', 'line 43', 'line 44']);
    expect(paneWindow(buffer, paused, 3).below).toBe(6);
  });

  it('turns follow back on when scrolled down to the newest line, and clamps at the oldest', () => {
    const buffer = filled(50);
    const paused = scrollBy(buffer, FOLLOW, 3, -2);
    expect(scrollBy(buffer, paused, 3, 10)).toEqual(FOLLOW);
    const top = scrollBy(buffer, FOLLOW, 3, -1000);
    expect(top).toEqual({ follow: false, top: 0 });
    expect(scrollToStart(buffer)).toEqual({ follow: false, top: 0 });
  });

  it('does not leave follow mode when everything fits already', () => {
    const buffer = filled(2);
    expect(scrollBy(buffer, FOLLOW, 10, -1)).toEqual(FOLLOW);
  });

  it('joins a line\'s fragments in place, per tier and stream, and says so by its version; a line dropped since is not', () => {
    const buffer = new LogBuffer(3);
    buffer.add('stdout', ['Password: …'], 'first', 'api');
    buffer.add('stdout', ['db up'], undefined, 'db');
    const version = buffer.version;
    buffer.add('stdout', ['… and the rest'], 'last', 'api');
    expect(buffer.version).toBeGreaterThan(version);
    expect(buffer.end).toBe(2);
    expect(buffer.slice(0, 2)).toEqual([
      { stream: 'stdout', line: 'Password:  and the rest', tier: 'api' },
      { stream: 'stdout', line: 'db up', tier: 'db' },
    ]);
    buffer.add('stdout', ['50% …'], 'first', 'api');
    for (let i = 0; i < 8; i += 1) buffer.add('stdout', [`flood ${i}`], undefined, 'db');
    buffer.add('stdout', ['…done'], 'last', 'api');
    expect(buffer.slice(buffer.start, buffer.end).map((entry) => entry.line)).toEqual(['flood 6', 'flood 7', '…done']);
  });

  it("a pipe's whole line ends its open line (a fragment after it is not joined to it); another pipe's whole lines take the fast path", () => {
    const buffer = new LogBuffer(100);
    const joiner = (buffer as unknown as { joiner: FragmentJoiner<number> }).joiner;
    const add = vi.spyOn(joiner, 'add');
    const lines = () => buffer.slice(buffer.start, buffer.end).map((entry) => entry.line);
    buffer.add('stdout', ['Password: …'], 'first', 'api');
    // Another pipe's whole line while api's is open: appended without the joiner.
    add.mockClear();
    buffer.add('stdout', ['db up'], undefined, 'db');
    expect(add).not.toHaveBeenCalled();
    // api's own whole line goes through the joiner: the open line ended with nothing more (its mark goes).
    buffer.add('stdout', ['next'], undefined, 'api');
    expect(add).toHaveBeenCalledTimes(1);
    expect(lines()).toEqual(['Password: ', 'db up', 'next']);
    // A last fragment now is not joined to the stale open line; a new first/last pair is joined.
    buffer.add('stdout', ['…stale'], 'last', 'api');
    buffer.add('stdout', ['50% …'], 'first', 'api');
    buffer.add('stdout', ['… done'], 'last', 'api');
    expect(lines()).toEqual(['Password: ', 'db up', 'next', '…stale', '50%  done']);
  });
});
