/// <reference lib="dom" />
/**
 * Many things at once, in a real Chromium against a real `land up`: a trace of 10 000 spans (a child's OTLP/JSON)
 * draws only the rows in view, and its rows are reached from the keyboard (↓, End, Home, ←/→ fold) and by
 * scrolling; 150 series of one metric are one chart with a legend of 12 and a note for the rest; a shell tier's
 * detail shows its command as written, not the `/bin/sh -c` it runs with; the spans let go from memory to make room
 * are counted in `land status`, /metrics, the Telemetry page and under the trace list. No timing is asserted.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { requestText } from '../../src/control/client.js';
import { socketPath } from '../../src/control/paths.js';
import { ROOT, landDone, makeProject } from '../helpers/land.js';
import { browserSession, call, login, upWithDashboard } from './helpers.js';

const BIG = join(ROOT, 'test', 'fixtures', 'otlp-big-trace-child.mjs');
const { runs, openPage } = browserSession();

const drawn = (page: Page) => page.$$eval('table.waterfall tbody tr[data-span]', (rows) => rows.map((row) => (row as HTMLElement).dataset.span!));
const focused = (page: Page) => page.evaluate(() => document.activeElement?.textContent ?? '');

describe('a big trace, many series, a shell tier, in Chromium', () => {
  it('virtualises the waterfall with keyboard and folding, groups series in one chart, shows a shell line as written', async () => {
    const dir = makeProject({
      config: {
        app: 'big',
        tiers: {
          big: { command: ['node', BIG, '10060'], ready: { log: 'big trace sent' } },
          sh: { command: 'echo shell up && exec sleep 1000', shell: true, ready: { log: 'shell up' } },
        },
      },
    });
    const { run, url, port } = await upWithDashboard(dir);
    runs.push(run);
    const traceId = (await run.waitFor(/big trace sent ([0-9a-f]{32})/, 120_000))[1]!;
    await run.waitFor(/shell up/);
    const { page, pageErrors } = await openPage();
    await page.goto(url);
    // The login's redirect drawn first: a hash change before it once left the page on Tiers.
    await page.locator('h1.page-title').first().waitFor();
    await page.goto(`${new URL(url).origin}/#/traces?trace=${traceId}`);
    const freshness = page.getByTestId('trace-freshness');
    // The receiver holds a tier's newest 10 000 spans (land's own, mountain's, aside): the trace's oldest 60 go.
    await freshness.getByText(/^10000 spans/).waitFor({ timeout: 120_000 });
    const spans = 10_000;
    const first = await drawn(page);
    expect(first[0]).toBe('big root');
    expect(first.length).toBeGreaterThan(10);
    expect(first.length).toBeLessThan(200);
    expect(await page.getByRole('table', { name: `Spans of trace ${traceId}` }).getAttribute('aria-rowcount')).toBe(String(spans + 1));

    // The keyboard: ↓ from the root's link to the next rows, End to the last row (drawn first), Home back.
    await page.locator('tr[data-span="big root"] th a').focus();
    await page.keyboard.press('ArrowDown');
    expect(await focused(page)).toBe('group 2');
    await page.keyboard.press('ArrowDown');
    expect(await focused(page)).toBe('step 2.1');
    await page.keyboard.press('End');
    await page.waitForFunction(() => document.activeElement?.closest('tr')?.dataset.index !== undefined && Number(document.activeElement.closest('tr')!.dataset.index) > 9_000);
    expect(await drawn(page)).not.toContain('big root');
    expect((await drawn(page)).length).toBeLessThan(200);
    await page.keyboard.press('Home');
    await page.waitForFunction(() => document.activeElement?.textContent === 'big root');
    // ← folds the root's subtree away, → brings it back: the rows under it go and come.
    await page.keyboard.press('ArrowLeft');
    await page.getByRole('button', { name: /^Expand big root \(\d+ spans under it\)$/ }).waitFor();
    expect(await page.locator('table.waterfall').getAttribute('aria-rowcount')).not.toBe(String(spans + 1));
    await page.keyboard.press('ArrowRight');
    await page.getByRole('button', { name: /^Collapse big root/ }).waitFor();
    expect(await page.locator('table.waterfall').getAttribute('aria-rowcount')).toBe(String(spans + 1));
    // → on an open row goes to its first child; ← on a leaf to its parent.
    await page.keyboard.press('ArrowRight');
    expect(await focused(page)).toBe('group 2');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowLeft');
    expect(await focused(page)).toBe('group 2');
    // A fold button still folds (Enter on it), and the rows after it are drawn in place of those folded.
    await page.getByRole('button', { name: 'Collapse group 2 (99 spans under it)' }).click();
    expect((await drawn(page)).slice(0, 3)).toEqual(['big root', 'group 2', 'group 3']);
    // Scrolling by hand draws the rows that come into view.
    await page.locator('.waterfall-scroll').evaluate((box) => (box.scrollTop = box.scrollHeight));
    await page.waitForFunction(() => !document.querySelector('table.waterfall tr[data-span="big root"]'));
    expect((await drawn(page)).at(-1)).toMatch(/^step 1\.\d+$/); // the dropped group's spans, roots at the end
    // The error span is found by its address and scrolled to.
    const errorId = JSON.parse((await call(port, `/api/spans?trace=${traceId}`, { headers: { cookie: await login(port, url) } })).body).spans.find((span: { name: string }) => span.name === 'step 3.7').spanId as string;
    await page.goto(`${new URL(url).origin}/#/traces?trace=${traceId}&span=${errorId}`);
    await page.locator(`tr[data-span-id="${errorId}"].error`).waitFor();
    expect(pageErrors).toEqual([]);

    // 150 series of one metric: one chart, 12 lines in its legend, the 138 others said.
    await page.goto(`${new URL(url).origin}/#/metrics?tier=big`);
    const chart = page.locator('figure.chart[data-metric="route.requests"]');
    await chart.locator('canvas').first().waitFor();
    expect(await page.locator('figure.chart').count()).toBeLessThan(5);
    expect(await chart.locator('figcaption').textContent()).toContain('150 series');
    expect(await chart.getByTestId('series-left').textContent()).toContain('138 more series of this metric are not');
    const legend = await chart.locator('.u-legend .u-series .u-label').allTextContents();
    expect(legend.filter((label) => label.startsWith('route='))).toHaveLength(12);
    expect(legend).toContain('route=/r149');
    expect(legend).not.toContain('route=/r0');

    // The 60 spans let go from memory to make room: counted in land status, /metrics, the Telemetry page, and said
    // under the trace list (their traces are not listed).
    await page.goto(`${new URL(url).origin}/#/telemetry`);
    await page.locator('table.receiver-tiers tr[data-tier="big"] td', { hasText: /^60$/ }).waitFor();
    expect(await page.locator('table.receiver tr[data-counter="items evicted from memory"] td').textContent()).toBe('60');
    await page.goto(`${new URL(url).origin}/#/traces?tier=big`);
    expect(await page.getByTestId('traces-evicted').textContent()).toMatch(/^60 older spans were let go from memory to make room/);
    expect((await landDone(['status'], dir)).stdout).toMatch(/^ {2}big\s+10060 spans\s.*60 evicted$/m);
    expect(await requestText(socketPath(dir), '/metrics')).toMatch(/^land_receiver_evicted_total\{tier="big"\} 60$/m);

    // A shell tier's detail: the line as written, not /bin/sh -c.
    await page.goto(`${new URL(url).origin}/#/tiers?tier=sh`);
    const command = page.locator('dt', { hasText: /^command$/ }).locator('xpath=following-sibling::dd[1]');
    await command.waitFor();
    expect(await command.locator('code').textContent()).toBe('echo shell up && exec sleep 1000');
    expect(await command.textContent()).toContain('a shell line, run with /bin/sh -c');
    expect(pageErrors).toEqual([]);
  }, 300_000);
});
