/** Input no key names (escape sequences, control bytes, invalid UTF-8, long reads, a paste with no end) to the real App. */
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { INPUT_IDLE_MS } from '../../src/tui/paste.js';
import { FakeControl, sleep, stack, T0, tier } from './fake-control.js';
import { KEYS, renderApp } from './render-app.js';

afterEach(() => cleanup());

function twoTiers(): FakeControl {
  return new FakeControl(stack([tier('mountain', 'ready', { pid: 1234, startedAt: T0 - 5000 }), tier('sky', 'stopped', { reason: 'stopped from the UI' })]));
}

/** Sequences a terminal may send that are no key: each once threw in ink's useInput or ran a key of land's. */
const NOT_KEYS = [
  '\u001B[31m', // a colour code (ink read its 31 as Ctrl, then threw on the key it could not name)
  '\u001B[0m',
  '\u001B[1;5X',
  '\u001B[99;5~',
  '\u001B[2 q', // a cursor style: ink handed `[2 q` over as text, and `q` quit
  '\u001B[?25q',
  '\u001B[12;40R', // a cursor position report
  '\u001B[>0;276;0c', // a device attributes answer
  '\u001B]11;rgb:0000/0000/0000\u0007', // a colour answer: `r` restarted the selected tier
  '\u001B]8;;http://example.com/q\u001B\\', // a hyperlink, ended by ST
  '\u001BP1$r0 q\u001B\\', // a DCS answer
  '\u001B_Gi=1;OK\u001B\\', // an APC (kitty graphics) answer
  '\u001Bq', // Alt-q is not q
  '\u001BOq', // an SS3 ink cannot name
  '\u001B[113u', // the kitty protocol's q, which land never asks for
  '\u001B\u001B[31m',
];

describe('input no key names', () => {
  it('escape sequences that are no key are dropped: no crash, no quit, no tier command; keys after them act', async () => {
    const control = twoTiers();
    const app = renderApp(control);
    await app.untilSelected('mountain');
    await app.press(...NOT_KEYS);
    // The same, all in one read, and cut across reads where ink hands over what it has (ESC[1; then 5q).
    await app.press(NOT_KEYS.join(''));
    await app.press('\u001B[1;', '5q', '\u001B]11;rgb:', 'ffff/0000/0000\u0007', '\u001BP1$r', 'q\u001B', '\\');
    expect(app.exits).toEqual([]);
    expect(control.calls).toEqual([]);
    // A key cut so is still the key: ESC[ then B is ↓.
    await app.press('\u001B[', 'B');
    await app.untilSelected('sky');
    await app.press('?');
    await app.untilText('── keys');
    expect(app.exits).toEqual([]);
  });

  it('control bytes, NUL and invalid UTF-8 type nothing into the prompt but what they stand for', async () => {
    const app = renderApp(twoTiers());
    await app.untilSelected('mountain');
    await app.press('/');
    await app.untilText('/▏');
    app.stdin.write(Buffer.from([0x61, 0x00, 0x01, 0x1f, 0xc2, 0x9b, 0xff, 0xfe, 0x62, 0x07, 0x1b, 0x5b, 0x33, 0x31, 0x6d, 0x63]) as unknown as string);
    await app.untilText('/a\uFFFD\uFFFDbc▏');
    await app.press(KEYS.escape);
    await app.press('?');
    await app.untilText('── keys');
  });

  it('a long read of keys is read whole, in and out of the prompt', async () => {
    const app = renderApp(twoTiers());
    await app.untilSelected('mountain');
    app.stdin.write('x'.repeat(200_000));
    await app.press('/', 'y'.repeat(100_000));
    await app.untilText('/yyyy');
    await app.press(KEYS.escape, 'j');
    await app.untilSelected('sky');
    expect(app.exits).toEqual([]);
  });

  it('a paste with no end marker ends once no input came for a while: its text is the paste, keys act again', async () => {
    const control = twoTiers();
    const app = renderApp(control);
    await app.untilSelected('mountain');
    await app.press(`${KEYS.pasteStart}jr`, 'sq');
    await app.untilText('paste ignored: press / (search) or & (filter) first, then paste');
    expect(app.exits).toEqual([]);
    expect(control.calls).toEqual([]);
    await app.press('j');
    await app.untilSelected('sky');
    // In the prompt: the text is the query, and Enter applies it.
    await app.press('/', `${KEYS.pasteStart}needle`);
    await app.untilText('/needle▏');
    // An OSC string with no end: dropped until the same quiet.
    await app.press('\u001B]11;rgb:q');
    await sleep(INPUT_IDLE_MS * 3);
    await app.press('k');
    await app.untilText('/needlek▏');
  });
});
