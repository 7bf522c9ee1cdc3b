/** A run of keys in one input event (a paste, `tmux send-keys`), cut into the keys ink would have given one by one. */
import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { splitKeys } from '../../src/tui/split-keys.js';

const PLAIN = { return: false, ctrl: false, tab: false } as Key;
const enters = (keys: Array<[string, Key]>) => keys.filter(([, key]) => key.return).length;

describe('splitKeys', () => {
  it('a pasted \\r\\n is one Enter, as \\r and \\n alone are', () => {
    const keys = splitKeys('go\r\nq', PLAIN);
    expect(keys.map(([input]) => input)).toEqual(['g', 'o', '', 'q']);
    expect(enters(keys)).toBe(1);
    expect(enters(splitKeys('a\rb\nc', PLAIN))).toBe(2);
    expect(enters(splitKeys('\r\n\r\n', PLAIN))).toBe(2);
  });

  it('\\n typed alone (ink: "enter", no flag) is Enter, as in a run', () => {
    expect(splitKeys('\n', PLAIN)).toEqual([['', expect.objectContaining({ return: true })]]);
    expect(splitKeys('j', PLAIN)).toEqual([['j', PLAIN]]);
  });
});
