/** The log pane's merged view of every tier, search (`/`, `n`, `N`) and filter (`&`), against a FakeControl. */
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeControl, stack, T0, tier } from './fake-control.js';
import { KEYS, renderApp } from './render-app.js';

afterEach(() => cleanup());

function threeTiers(): FakeControl {
  const control = new FakeControl(
    stack([
      tier('api', 'ready', { pid: 1, startedAt: T0 }),
      tier('worker', 'ready', { pid: 2, startedAt: T0 }),
      tier('db', 'ready', { pid: 3, startedAt: T0 }),
    ]),
  );
  for (let index = 0; index < 30; index += 1) {
    control.log('api', `api request ${index}${index % 10 === 3 ? ' ERROR timeout' : ''}`);
    control.log('worker', `worker job ${index}`);
  }
  control.log('db', 'db checkpoint', 'stderr');
  // Each line its own moment, in the order written (the merged view orders the recent lines by time).
  let at = T0;
  const written = [...control.logLines.values()].flat();
  for (const entry of written.sort((a, b) => Number(/\d+/.exec(a.line)?.[0] ?? 99) - Number(/\d+/.exec(b.line)?.[0] ?? 99))) entry.at = at++;
  return control;
}

/** The lines of the log pane (below its title). */
function pane(frame: string): string[] {
  const lines = frame.split('\n');
  const title = lines.findIndex((line) => line.startsWith('── '));
  return title < 0 ? [] : lines.slice(title + 1, -2);
}

describe('App merged view, search and filter', () => {
  it('a shows every tier merged, each line prefixed with its tier; new lines of any tier follow', async () => {
    const control = threeTiers();
    const app = renderApp(control, { rows: 30, columns: 100 });
    await app.press('a');
    await app.untilText('── all tiers · following');
    expect(pane(app.frame()).at(-1)).toMatch(/^db +│ db checkpoint$/);
    expect(pane(app.frame())).toContain('worker │ worker job 29');
    expect(pane(app.frame())).toContain('api    │ api request 29');
    control.log('worker', 'worker job 30');
    control.log('api', 'api request 30');
    await app.until((frame) => pane(frame).at(-1) === 'api    │ api request 30', 'new lines of both tiers');
    expect(pane(app.frame()).at(-2)).toBe('worker │ worker job 30');
    // Coloured by tier when colours are on (the prefix is its own styled span).
    const raw = app.lastFrame()!.split('\n').find((line) => line.includes('api request 30'))!;
    if (raw.includes('\u001B[')) expect(raw).toMatch(/\u001B\[\d+m(?:\u001B\[\d+m)*api +│ /);
    await app.press('a');
    await app.until((frame) => !frame.includes('── all tiers'), 'the merged view closed');
  });

  it('/ searches: Enter goes to the newest match, n to older ones, N back to newer; a miss says so', async () => {
    const control = threeTiers();
    const app = renderApp(control, { rows: 24, columns: 100 });
    await app.press(KEYS.enter); // api's pane
    await app.untilText('── api logs');
    await app.press('/', 'e', 'r', 'r', 'o', 'r');
    await app.untilText('/error▏');
    await app.press(KEYS.enter);
    await app.untilText('match 3 of 3 for "error" · n older · N newer');
    expect(app.frame()).toContain('api request 23 ERROR timeout');
    expect(app.frame()).toMatch(/paused · \d+ newer lines?/);
    await app.press('n');
    await app.untilText('match 2 of 3');
    expect(app.frame()).toContain('api request 13 ERROR timeout');
    await app.press('n');
    await app.untilText('match 1 of 3');
    await app.press('n');
    await app.untilText('no older match for "error"');
    await app.press('N');
    await app.untilText('match 2 of 3');
    // The matching text is marked (inverse) when colours are on.
    const raw = app.lastFrame()!.split('\n').find((line) => line.includes('api request 13'))!;
    if (raw.includes('\u001B[')) expect(raw).toContain('\u001B[7mERROR');
    await app.press('/', 'n', 'o', 'p', 'e', KEYS.enter);
    await app.untilText('no line matches "nope"');
    // Text and Enter in one chunk (a paste, `tmux send-keys 'hi' Enter`): typed, then applied.
    await app.press('/', 'request 17\r');
    await app.untilText('match 1 of 1 for "request 17"');
    await app.press(`/x\u007F\u007Fnope\r`);
    await app.untilText('no line matches "nope"');
    // A bracketed paste is text: its line breaks do not submit (a copied line's own one is dropped, an inner one is
    // a space); Enter does.
    await app.press('/', `${KEYS.pasteStart}request\r\n13 \u001B[31mERROR\u001B[0m\r\n${KEYS.pasteEnd}`);
    await app.untilText('/request 13 ERROR▏');
    await app.press(`${KEYS.pasteStart}q${KEYS.pasteEnd}`);
    await app.untilText('/request 13 ERRORq▏');
    await app.press(KEYS.escape, '/', `${KEYS.pasteStart}ERROR timeout\r\n${KEYS.pasteEnd}`, KEYS.enter);
    await app.untilText('match 3 of 3 for "ERROR timeout"');
    // q while typing is text, not quit.
    await app.press('/', 'q');
    await app.untilText('/q▏');
    expect(app.exits).toEqual([]);
    await app.press(KEYS.escape);
    await app.until((frame) => !frame.includes('/q▏'), 'the prompt closed');
  });

  it('& filters the pane to matching lines and says how many; empty clears it; search works within it', async () => {
    const control = threeTiers();
    const app = renderApp(control, { rows: 30, columns: 100 });
    await app.press('&', 'j', 'o', 'b', ' ', '2');
    await app.untilText('filter (Enter applies, empty clears): job 2▏');
    await app.press(KEYS.enter);
    // No pane was open: the filter opened the merged view.
    await app.untilText('── all tiers · filter "job 2" (11 of 61)');
    const lines = pane(app.frame()).filter((line) => line.trim() !== '');
    expect(lines).toHaveLength(11);
    expect(lines.every((line) => /^worker │ worker job 2\d?$/.test(line))).toBe(true);
    control.log('worker', 'worker job 200');
    control.log('api', 'api request job 2 is not mine? it matches');
    await app.until((frame) => pane(frame).includes('api    │ api request job 2 is not mine? it matches'), 'a new matching line');
    expect(pane(app.frame())).toContain('worker │ worker job 200');
    await app.press('/', '2', '9', KEYS.enter);
    await app.untilText('match 1 of 1 for "29"');
    await app.press('&', KEYS.enter);
    await app.untilText('filter cleared');
    await app.until((frame) => /── all tiers · (paused|following)/.test(frame) && !frame.includes('filter "'), 'no filter');
  });

  it("& keeps a quiet tier's lines in the merged view while a loud tier's lines push them out of its window", async () => {
    const control = new FakeControl(stack([tier('calm', 'ready', { pid: 1, startedAt: T0 }), tier('loud', 'ready', { pid: 2, startedAt: T0 })]));
    control.log('calm', 'calm one');
    for (let index = 0; index < 30; index += 1) control.log('loud', `loud ${index}`);
    const app = renderApp(control, { rows: 30, columns: 100, logCapacity: 20 });
    // The merged window (20 lines) holds no calm line when the filter is set: the filter still finds it.
    await app.press('a');
    await app.untilText('loud │ loud 29');
    expect(pane(app.frame()).join('\n')).not.toContain('calm one');
    await app.press('&calm\r');
    await app.untilText('filter "calm" (1 of 21)');
    expect(pane(app.frame()).filter((line) => line.trim() !== '')).toEqual(['calm │ calm one']);
    // New lines: a calm one is kept, however many loud ones come after it.
    control.log('calm', 'calm two');
    for (let index = 30; index < 100; index += 1) control.log('loud', `loud ${index}`);
    await app.untilText('filter "calm" (2 of 92)');
    expect(pane(app.frame()).filter((line) => line.trim() !== '')).toEqual(['calm │ calm one', 'calm │ calm two']);
    // Cleared: the merged window again, its newest lines.
    await app.press('&\r');
    await app.untilText('loud │ loud 99');
    expect(pane(app.frame()).join('\n')).not.toContain('calm');
  });

  it('lists the new keys in the help', async () => {
    const app = renderApp(threeTiers(), { rows: 30, columns: 100 });
    await app.press('?');
    await app.untilText('── keys');
    expect(app.frame()).toMatch(/^a +every tier's output merged/m);
    expect(app.frame()).toMatch(/^\/ +n +N +search the log pane/m);
    expect(app.frame()).toMatch(/^& +filter the log pane/m);
  });
});

describe('App scale keys', () => {
  it('+ and - scale the selected replica\'s tier by one; a tier without replicas and the last replica say why not', async () => {
    const control = new FakeControl(
      stack([
        tier('api.1', 'ready', { tier: 'api', group: 'api', replica: 1, pid: 11, startedAt: T0 }),
        tier('api.2', 'ready', { tier: 'api', group: 'api', replica: 2, pid: 12, startedAt: T0 }),
        tier('web', 'ready', { pid: 13, startedAt: T0 }),
        tier('solo.1', 'ready', { tier: 'solo', group: 'solo', replica: 1, pid: 14, startedAt: T0 }),
      ]),
    );
    const app = renderApp(control, { columns: 100 });
    await app.press('+');
    await app.untilText('api runs 3 replicas');
    await app.press('-');
    await app.untilText('api runs 1 replica');
    expect(control.calls.filter((call) => call.command === 'scale')).toEqual([
      { command: 'scale', target: 'api', count: 3 },
      { command: 'scale', target: 'api', count: 1 },
    ]);
    await app.press('j', 'j');
    await app.untilSelected('web');
    await app.press('+');
    await app.untilText('web does not declare replicas: set replicas in the config (a Procfile: land up -m all=1)');
    await app.press('j', '-');
    await app.untilText('solo keeps at least one replica — s stops it');
    control.onCommand = async () => {
      throw new Error('replicas: expected a whole number 1..64, got 65');
    };
    await app.press('+');
    await app.untilText('scale solo failed: replicas: expected a whole number 1..64, got 65');
    expect(control.calls.filter((call) => call.command === 'scale')).toHaveLength(3);
  });
});

