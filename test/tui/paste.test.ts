/** Bracketed paste: which of ink's input events are keys and which are a paste (src/tui/paste.ts). */
import { describe, expect, it } from 'vitest';
import { InputGate, PASTE_MAX, pastedLine } from '../../src/tui/paste.js';

const START = '\u001B[200~';
const END = '\u001B[201~';

/** The events read, and what each step said: `k:<keys>` what ink makes keys of, `-` nothing, `p:<text>` a paste. */
function run(gate: InputGate, events: string[]): string[] {
  return events.map((event) => {
    const step = gate.read(event);
    const keys = step.keys === undefined ? undefined : `k:${step.keys}`;
    if (step.pasted !== undefined) return `p:${step.pasted}${keys === undefined ? '' : `|${keys}`}`;
    return keys ?? '-';
  });
}

describe('InputGate', () => {
  it('a paste in one read (as ink cuts it: marker, text, marker) is no keys; keys around it are', () => {
    expect(run(new InputGate(), ['j', START, 'q r\r\ns', END, 'k'])).toEqual(['k:j', '-', '-', 'p:q r\r\ns', 'k:k']);
  });

  it('a paste whose end comes reads later, in pieces, escape sequences in it included', () => {
    expect(run(new InputGate(), [START, 'qq', '\u001B[31m', 'rr', END])).toEqual(['-', '-', '-', '-', 'p:qq\u001B[31mrr']);
  });

  it('a marker cut by a late read (ink hands over the part it had) is still a marker', () => {
    expect(run(new InputGate(), ['\u001B[20', '0~qs', '\u001B[20', '1~j'])).toEqual(['-', '-', '-', 'p:qs|k:j']);
    expect(run(new InputGate(), ['\u001B[', '200~', 'q\u001B[2', '01~'])).toEqual(['-', '-', '-', 'p:q']);
  });

  it('what looked like a marker and was not goes on as keys before the next event (key-filter.ts drops or joins it); Escape is a key', () => {
    expect(run(new InputGate(), ['\u001B[2', 'q', '\u001B', '\u001B[B'])).toEqual(['-', 'k:\u001B[2q', 'k:\u001B', 'k:\u001B[B']);
  });

  it('keeps the first PASTE_MAX characters of a paste, however long, and still finds its end', () => {
    const gate = new InputGate();
    const chunk = 'x'.repeat(4096);
    expect(run(gate, [START, chunk, chunk, `${chunk}\u001B[20`])).toEqual(['-', '-', '-', '-']);
    expect(gate.read('1~').pasted).toBe('x'.repeat(PASTE_MAX));
    expect(gate.read('q').keys).toBe('q');
  });

  it('a \\n starting a read right after a \\r ended the one before is the same line break', () => {
    const events = ['ab\r', '\ncd', '\r', '\n', '\n', 'x\r', START, '\n', END, '\n'];
    expect(run(new InputGate(), events)).toEqual(['k:ab\r', 'k:cd', 'k:\r', 'k:', 'k:\n', 'k:x\r', '-', '-', 'p:\n', 'k:\n']);
  });
});

describe('pastedLine', () => {
  it("drops a copied line's own line break, makes each inner one a space, and drops escapes and controls", () => {
    expect(pastedLine('error timeout\r\n')).toBe('error timeout');
    expect(pastedLine('\nfirst\r\nsecond\rthird\nfourth\n\n')).toBe('first second third fourth');
    expect(pastedLine('\u001B[31mred\u001B[0m\tcol\u0007')).toBe('red  col');
    expect(pastedLine('naïve 日本')).toBe('naïve 日本');
  });
});
