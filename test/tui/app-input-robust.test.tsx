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

/** A small seeded generator (mulberry32): the same seed, the same bytes. */
function random(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * below);
  };
}

/**
 * Bytes a terminal or a stray program might send: escape sequences whole, cut or broken, strings with and without
 * their end, paste markers, control bytes, invalid UTF-8, text. Never a key that rightly ends or stops land: no `q`
 * outside a sequence, no Ctrl-C, no Ctrl-Z. No lone ESC either: ink cuts `ESC ESC ]…` (Escape typed as a string
 * comes, in one read) into Escape and text, and that text is keys (docs/decisions.md).
 */
function garbage(next: (below: number) => number): Buffer {
  const pick = <T,>(items: readonly T[]): T => items[next(items.length)]!;
  const text = (length: number) => Array.from({ length }, () => pick([...'abcjkrs+-/&?aN01;:~[] \t\r\n'])).join('');
  const params = () => Array.from({ length: next(6) }, () => pick([...'0123456789;:?<=>'])).join('');
  const final = () => String.fromCharCode(0x40 + next(0x3f));
  const atoms: Array<() => string | number[]> = [
    () => `\u001B[${params()}${pick(['', ' ', '$', '!'])}${final()}`,
    () => `\u001B[${params()}`,
    () => `\u001BO${final()}`,
    () => `\u001B${pick([']', 'P', '_', '^', 'X'])}${text(next(12))}q${pick(['\u0007', '\u001B\\', ''])}`,
    () => `\u001B${String.fromCharCode(0x20 + next(0x5f))}`,
    () => pick(['\u001B[200~', '\u001B[201~', '\u001B[20', '0~']),
    () => Array.from({ length: 1 + next(4) }, () => pick([0, 1, 2, 4, 7, 8, 0x0b, 0x0c, 0x0e, 0x1c, 0x1f, 0x7f])),
    () => Array.from({ length: 1 + next(4) }, () => 0x80 + next(0x80)),
    () => text(1 + next(8)),
  ];
  const parts = Array.from({ length: 1 + next(12) }, () => pick(atoms)());
  return Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))));
}

describe('random input', () => {
  it('for 40 seeded runs of random reads the App keeps rendering and ? still opens the help', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const next = random(seed);
      const control = twoTiers();
      const app = renderApp(control);
      await app.untilSelected('mountain');
      for (let read = 0; read < 8; read++) {
        app.stdin.write(garbage(next) as unknown as string);
        // Sometimes the next read comes after ink gave up waiting for the rest of a sequence.
        if (next(2) === 0) await sleep(5);
      }
      // Whatever is open ends: a paste (its end marker), a string (BEL), the prompt or help (Esc).
      await app.press(KEYS.pasteEnd, '\u0007', KEYS.escape, '?');
      await app.until((frame) => frame.includes('── keys'), `seed ${seed}: the help`);
      expect(app.exits, `seed ${seed}`).toEqual([]);
      app.unmount();
    }
  });
});
