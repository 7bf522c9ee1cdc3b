/// <reference lib="dom" />
/**
 * What fits, in a real Chromium at 1280×800 against a real `land up`: a chain of 40 nested spans keeps every name in
 * view in the waterfall (the indent is capped), and a chart of 20 series of long attributes and values near a million
 * `{items}` keeps its axis labels short, its legend inside its card and its caption in separate parts.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, makeProject } from '../helpers/land.js';
import { browserSession, upWithDashboard } from './helpers.js';

const BIG = join(ROOT, 'test', 'fixtures', 'otlp-big-trace-child.mjs');
const { runs, openPage } = browserSession();

describe('deep traces and wide charts keep their text in view', () => {
  it('shows the deepest span name of a 40-deep chain, and fits a wide chart in its card', async () => {
    const dir = makeProject({ config: { app: 'deep', tiers: { big: { command: ['node', BIG, '300', '40'], ready: { log: 'big trace sent' } } } } });
    const { run, url } = await upWithDashboard(dir);
    runs.push(run);
    const traceId = (await run.waitFor(/big trace sent ([0-9a-f]{32})/, 120_000))[1]!;
    const { page, pageErrors } = await openPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(url);
    // The app is up (its first page drawn) before its address changes: else its start may put its own back.
    await page.locator('h1.page-title').first().waitFor();
    await page.goto(`${new URL(url).origin}/#/traces?trace=${traceId}`);
    await page.getByTestId('trace-freshness').getByText(/^3\d\d spans/).waitFor({ timeout: 60_000 }).catch(async (error) => {
      throw new Error(`${error}\n${await page.locator('body').innerText()}`);
    });
    const deepest = page.locator('tr[data-span="link 40"]');
    await page.locator('.waterfall-scroll').evaluate((box) => (box.scrollTop = box.scrollHeight));
    await deepest.waitFor({ timeout: 60_000 });
    expect(await deepest.getAttribute('data-depth')).toBe('40');
    // Every link's name is in its cell, whole or at least 30 px of it, and its fold button with it.
    const room = await page.$$eval('tr[data-span^="link "]', (rows) =>
      rows.map((row) => {
        const cell = row.querySelector('th')!.getBoundingClientRect();
        const name = row.querySelector('th a')!.getBoundingClientRect();
        const visible = Math.min(name.right, cell.right) - name.left;
        return { span: (row as HTMLElement).dataset.span!, visible: visible >= Math.min(name.width, 30) ? 'enough' : visible, fold: row.querySelector('th .fold') !== null || (row as HTMLElement).dataset.below === '0' };
      }),
    );
    expect(room.length).toBeGreaterThan(10);
    for (const { span, visible, fold } of room) expect({ span, visible, fold }).toEqual({ span, visible: 'enough', fold: true });
    expect(await deepest.locator('th').getAttribute('title')).toBe('link 40 (depth 40)');
    // The keyboard reaches the deepest row and its focused link is drawn with a width.
    await deepest.locator('th a').focus();
    expect(await page.evaluate(() => document.activeElement!.getBoundingClientRect().width)).toBeGreaterThan(20);

    await page.goto(`${new URL(url).origin}/#/metrics?tier=big`);
    const chart = page.locator('figure.chart[data-metric="queue.depth"]');
    await chart.locator('canvas').first().waitFor();
    // The value axis: compact numbers, the unit once in the caption rather than on every tick.
    const ticks = (await chart.locator('[data-value-axis]').getAttribute('data-value-axis'))!.split(' ');
    expect(ticks.length).toBeGreaterThan(1);
    for (const tick of ticks) expect(tick).toMatch(/^\d+(\.\d+)?[kKM]?$/);
    // The caption's parts are apart: title and count, what the metric is, the series not drawn.
    const caption = await chart.locator('figcaption').evaluate((element) => (element as HTMLElement).innerText);
    expect(caption.split('\n').map((line) => line.trim())).toEqual([
      'queue.depth — 20 series',
      'depth · unit {items}',
      'The 12 with the highest latest values are drawn; 8 more series of this metric are not.',
    ]);
    // The legend stays inside its card, each long name whole in its title and shown by what tells it apart (the
    // route's end: its shared start cut), and the card no wider than its neighbours.
    const fit = await chart.evaluate((figure) => {
      const card = figure.getBoundingClientRect();
      const labels = [...figure.querySelectorAll<HTMLElement>('.u-legend .u-series .u-label')].filter((label) => label.textContent!.startsWith('http.route='));
      const others = [...figure.parentElement!.querySelectorAll('figure.chart')].map((other) => Math.round(other.getBoundingClientRect().width));
      return {
        labels: labels.length,
        inside: labels.every((label) => label.getBoundingClientRect().right <= card.right + 0.5),
        titled: labels.every((label) => /^http\.route=\/api\/v1\/customers\/.*\/items\/\d+, http\.method=(GET|POST)$/.test(label.title) && label.textContent === `http.route=…${label.title.slice(label.title.lastIndexOf('/items/'))}`),
        widths: new Set(others).size,
        scroll: figure.scrollWidth <= figure.clientWidth,
      };
    });
    expect(fit).toEqual({ labels: 12, inside: true, titled: true, widths: 1, scroll: true });
    expect(pageErrors).toEqual([]);
  }, 300_000);
});
