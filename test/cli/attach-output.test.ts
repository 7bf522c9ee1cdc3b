/** What `land attach` prints of a tier's lines: fragments of an open line (a prompt) joined, without their marks. */
import { describe, expect, it } from 'vitest';
import { AttachOutput } from '../../src/cli/attach-output.js';
import type { LogLine } from '../../src/control/protocol.js';

const line = (text: string, cut?: LogLine['cut']): LogLine => ({ tier: 'repl', stream: 'stdout', line: text, at: 0, ...(cut ? { cut } : {}) });

function render(output: AttachOutput, lines: LogLine[]): string {
  return lines.map((each) => output.render(each) ?? '').join('');
}

describe('attach output', () => {
  it('a prompt stays open and what the tier writes next joins it', () => {
    const output = new AttachOutput();
    expect(render(output, [line('ready'), line('> …', 'first'), line('…echo: HI', 'last')])).toBe('ready\n> echo: HI\n');
  });

  it("after the user's Enter, a new line starts where the cursor is; without it, a new line ends the open one first", () => {
    const typed = new AttachOutput();
    expect(render(typed, [line('(Pdb) …', 'first')])).toBe('(Pdb) ');
    typed.lineTyped();
    expect(render(typed, [line('1')])).toBe('1\n');
    const piped = new AttachOutput();
    expect(render(piped, [line('Loading…', 'first'), line('done')])).toBe('Loading\ndone\n');
  });

  it('middle fragments lose both marks; OTLP records are not output', () => {
    const output = new AttachOutput();
    expect(render(output, [line('a…', 'first'), line('…b…', 'middle'), line('…c', 'last')])).toBe('abc\n');
    expect(output.render({ tier: 'repl', stream: 'otlp', line: '[otlp INFO] x', at: 0 })).toBeUndefined();
  });
});
