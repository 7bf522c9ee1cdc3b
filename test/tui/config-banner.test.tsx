/**
 * `land up --watch-config` in the terminal UI: a save the supervisor could not apply is a red line above the key hints,
 * kept while the snapshot keeps it (the UI owns none of it), within the terminal's rows; a save that applies clears it
 * and is said in the status line.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { FakeControl, sleep, stack, T0, tier } from './fake-control.js';
import { renderApp } from './render-app.js';

const REFUSED = 'land.config.mjs saved; not applied, nothing changed: land.config.mjs: tiers.a.command: expected a non-empty argv array';
const APPLIED = 'land.config.mjs saved; applied: restarted a (env G)';

describe('the config banner', () => {
  afterEach(() => cleanup());

  it('shows a refused save until a save applies, and keeps the frame within the rows', async () => {
    const tiers = Array.from({ length: 40 }, (_, index) => tier(`t${index}`, 'ready'));
    const control = new FakeControl(stack(tiers, { configWatch: { files: ['land.config.mjs'], watching: true, applied: 0 } }));
    const app = renderApp(control, { rows: 24 });
    await sleep(50);
    expect(app.frame()).not.toContain('config:');
    const rowsBefore = app.frame().split('\n').length;

    control.state.configWatch = { ...control.state.configWatch!, error: { message: REFUSED, at: T0 } };
    control.emit({ type: 'config', ok: false, file: 'land.config.mjs', message: REFUSED, at: T0 });
    await app.untilText('config: land.config.mjs saved; not applied');
    const lines = app.frame().split('\n');
    // Above the key hints, and one tier row fewer: the frame is as tall as before.
    expect(lines.findIndex((line) => line.startsWith('config: '))).toBe(lines.findIndex((line) => line.includes('? help')) - 1);
    expect(lines.length).toBe(rowsBefore);

    // Another event (a tier's state) redraws: the banner stays, as the snapshot keeps it.
    control.transition('t0', 'stopped', { reason: 'stopped on request' });
    await app.until((frame) => /t0 +stopped/.test(frame), 't0 stopped');
    expect(app.frame()).toContain('config: land.config.mjs saved; not applied');

    control.state.configWatch = { files: ['land.config.mjs'], watching: true, applied: 1, last: { summary: APPLIED, at: T0 } };
    control.emit({ type: 'config', ok: true, file: 'land.config.mjs', message: APPLIED, at: T0 });
    await app.until((frame) => !frame.includes('not applied'), 'the banner gone');
    expect(app.frame().split('\n').at(-1)).toBe(`config: ${APPLIED}`);
    expect(app.frame().split('\n').length).toBe(rowsBefore);
  });
});
