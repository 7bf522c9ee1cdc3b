/// <reference lib="dom" />
/**
 * The nineteenth wave's dashboard changes, against a real `land up` and what a child posts to its receiver over
 * OTLP/JSON, in a real Chromium: a span or metric name carrying a token is shown masked in place (an ordinary name
 * that sounds secret as sent), and a search cannot find the masked part; a grouped histogram draws P50/P90/P99 of
 * each series from its buckets, its legend names what tells the series apart, a legend entry hides its line (by
 * mouse or keyboard) across polls, filters and a new chart; each page's filters come back through the navigation;
 * Escape closes a span's or a log line's detail and puts the keyboard back on the row.
 */
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { landDone } from '../helpers/land.js';
import type { TraceList } from '../../src/dashboard/wire.js';
import { browserSession, call, dashboardProject, login, upWithDashboard } from './helpers.js';

const { runs, openPage } = browserSession();
const SECRETS = /SPANSECRET1|MNAMESECRET1|DESCPW99/;

const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
const resource = { attributes: [attr('service.name', 'dash-air'), attr('land.tier', 'air')] };
const nanos = (ms: number) => `${BigInt(ms) * 1_000_000n}`;
const hex = (n: number, digit: string) => digit.repeat(n);

function traces(now: number): unknown {
  const span = (traceId: string, spanId: string, name: string, parentSpanId?: string) => ({
    traceId, spanId, ...(parentSpanId ? { parentSpanId } : {}), name, kind: 2, startTimeUnixNano: nanos(now - 50), endTimeUnixNano: nanos(now), status: { code: 1 },
  });
  const reset = hex(32, 'a');
  return {
    resourceSpans: [
      {
        resource,
        scopeSpans: [
          {
            scope: { name: 'test' },
            spans: [span(reset, hex(16, '1'), 'GET /reset?token=SPANSECRET1'), span(reset, hex(16, '2'), 'db.query', hex(16, '1')), span(hex(32, 'b'), hex(16, '3'), 'POST /auth/token')],
          },
        ],
      },
    ],
  };
}

/** Three series of a histogram (bounds 10, 100, 1000) whose P50 and P99 differ tenfold, and a gauge with a token in its name. */
function metrics(now: number): unknown {
  const route = (n: number) => attr('http.route', `/api/v1/customers/{customerId}/orders/{orderId}/items/${n}`);
  const point = (n: number, counts: number[], sum: number) => ({
    attributes: [route(n), attr('http.method', 'GET')], timeUnixNano: nanos(now), count: String(counts.reduce((a, b) => a + b)), sum, bucketCounts: counts.map(String), explicitBounds: [10, 100, 1000],
  });
  return {
    resourceMetrics: [
      {
        resource,
        scopeMetrics: [
          {
            scope: { name: 'test' },
            metrics: [
              // P50 5.6, 55, 10; P99 910, 99.1, 98.2.
              { name: 'http.duration', unit: 'ms', description: 'time to answer', histogram: { aggregationTemporality: 2, dataPoints: [point(1, [90, 0, 10, 0], 5450), point(2, [0, 100, 0, 0], 5000), point(3, [50, 50, 0, 0], 2500)] } },
              { name: 'cache.hits?token=MNAMESECRET1', description: 'from https://u:DESCPW99@cache/x', gauge: { dataPoints: [{ timeUnixNano: nanos(now), asInt: '4' }] } },
            ],
          },
        ],
      },
    ],
  };
}

/** The largest tick of a chart's value axis (compact: `1K`). */
async function topTick(chart: Locator): Promise<number> {
  const ticks = (await chart.locator('[data-value-axis]').getAttribute('data-value-axis'))!.split(' ');
  return Math.max(...ticks.map((tick) => parseFloat(tick) * (tick.endsWith('K') ? 1000 : 1)));
}

const legendRow = (chart: Locator, item: number) => chart.locator('.u-legend .u-series', { has: chart.page().locator(`.u-label[title*="items/${item},"]`) });

async function waitForPolls(page: Page, count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) await page.waitForResponse((response) => response.url().endsWith('/api/metrics'));
}

describe('names, grouped histograms, page views and closing details on the dashboard', () => {
  it('masks names, draws percentiles per series with a filter, keeps each page\'s view and closes details by Escape', async () => {
    const dir = dashboardProject();
    const { run, url, port } = await upWithDashboard(dir);
    runs.push(run);
    await run.waitFor(/worker: .*→ ready/, 60_000);
    const status = JSON.parse((await landDone(['status', '--json'], dir)).stdout) as { receiver: { endpoint: string } };
    const post = (signal: string, body: unknown) => fetch(`${status.receiver.endpoint}/v1/${signal}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('traces', traces(Date.now()))).status).toBe(200);
    expect((await post('metrics', metrics(Date.now()))).status).toBe(200);

    // The answers: the token masked in place in each name, a name that only sounds secret as sent, no search oracle.
    const cookie = await login(port, url);
    const get = async (path: string) => (await call(port, path, { headers: { cookie } })).body;
    const list = JSON.parse(await get('/api/traces')) as TraceList;
    expect(list.traces.map((trace) => trace.root).sort()).toEqual(['GET /reset?token=***', 'POST /auth/token']);
    for (const path of ['/api/traces', `/api/spans?trace=${hex(32, 'a')}`, '/api/metrics']) expect(await get(path)).not.toMatch(SECRETS);
    expect(await get('/api/metrics')).toContain('cache.hits?token=***');
    expect((JSON.parse(await get('/api/traces?name=spansecret1')) as TraceList).matched).toBe(0);
    expect((JSON.parse(await get('/api/traces?name=reset')) as TraceList).matched).toBe(1);

    const { page, pageErrors } = await openPage();
    await page.goto(url);
    await page.locator('h1.page-title').first().waitFor();
    const nav = page.getByRole('navigation', { name: 'Pages' });

    // Traces, filtered by name: the masked root; its waterfall; a span's detail closed by Escape.
    await page.goto(`${new URL(url).origin}/#/traces?name=reset`);
    await page.locator('.trace-list tbody tr th a', { hasText: 'GET /reset?token=***' }).click();
    const row = page.locator('tr[data-span="db.query"] th a');
    await row.click();
    const detail = page.getByRole('region', { name: 'db.query' });
    await detail.waitFor();
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });
    expect(page.url()).not.toContain('span=');
    await page.waitForFunction(() => document.activeElement?.closest('tr')?.getAttribute('data-span') === 'db.query');
    expect(await page.locator('body').innerText()).not.toMatch(SECRETS);

    // The Traces page's filter comes back through the navigation (not the trace last open: the list is what opens).
    expect(new URL(page.url()).hash).toMatch(/^#\/traces\?name=reset&trace=a{32}$/);
    await nav.getByRole('link', { name: 'Metrics' }).click();
    const chart = page.locator('figure.chart[data-metric="http.duration"]');
    await chart.locator('canvas').first().waitFor();
    expect(await nav.getByRole('link', { name: 'Traces' }).getAttribute('href')).toBe('#/traces?name=reset');

    // A grouped histogram: P50 of each series by default, the shared pair in the caption, the legend by the part that
    // differs (each whole in its title).
    const caption = chart.locator('figcaption');
    await caption.getByText('http.duration — 3 series · P50 of each').waitFor();
    expect(await chart.getByTestId('series-shared').innerText()).toBe('every series: http.method=GET');
    const labels = chart.locator('.u-legend .u-series .u-label');
    expect(await labels.allTextContents()).toEqual(['Time', 'http.route=…/items/1', 'http.route=…/items/2', 'http.route=…/items/3']);
    expect(await labels.nth(1).getAttribute('title')).toBe('http.route=/api/v1/customers/{customerId}/orders/{orderId}/items/1, http.method=GET');
    expect(await topTick(chart)).toBeLessThanOrEqual(100);
    await chart.getByRole('combobox').selectOption('P99');
    await caption.getByText('3 series · P99 of each').waitFor();
    await page.waitForFunction(() => {
      const ticks = document.querySelector('figure.chart[data-metric="http.duration"] [data-value-axis]')?.getAttribute('data-value-axis') ?? '';
      return ticks.includes('K') || ticks.split(' ').some((tick) => Number(tick) >= 900);
    });
    expect(await topTick(chart)).toBeGreaterThanOrEqual(900);

    // A legend entry hides its line, and it stays hidden through polls, a filter (a new chart) and the filter cleared.
    await legendRow(chart, 1).locator('th').click(); // where uPlot listens
    expect(await legendRow(chart, 1).getAttribute('aria-pressed')).toBe('false');
    await waitForPolls(page, 2);
    expect(await legendRow(chart, 1).getAttribute('class')).toContain('u-off');
    const filter = chart.getByRole('searchbox');
    await filter.fill('items/1');
    await caption.getByText('1 of 3 series hold “items/1”').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('figure.chart[data-metric="http.duration"] .u-legend .u-series').length === 2);
    expect(await legendRow(chart, 1).getAttribute('class')).toContain('u-off');
    await filter.fill('');
    await page.waitForFunction(() => document.querySelectorAll('figure.chart[data-metric="http.duration"] .u-legend .u-series').length === 4);
    expect(await legendRow(chart, 1).getAttribute('class')).toContain('u-off');
    expect(await legendRow(chart, 2).getAttribute('class')).not.toContain('u-off');
    // The keyboard: an entry is a toggle button.
    await legendRow(chart, 2).focus();
    await page.keyboard.press('Enter');
    expect(await legendRow(chart, 2).getAttribute('aria-pressed')).toBe('false');
    await page.keyboard.press(' ');
    expect(await legendRow(chart, 2).getAttribute('aria-pressed')).toBe('true');
    // The gauge named with a token: masked in place, its description too.
    await page.getByText('cache.hits?token=***', { exact: false }).first().waitFor();
    expect(await page.locator('body').innerText()).not.toMatch(SECRETS);

    // Back to Traces by the navigation: the filter as it was left (a reload keeps it too); the Close link of a span.
    await nav.getByRole('link', { name: 'Traces' }).click();
    expect(await page.locator('#trace-name').inputValue()).toBe('reset');
    await page.reload();
    expect(await nav.getByRole('link', { name: 'Traces' }).getAttribute('href')).toBe('#/traces?name=reset');
    await page.locator('.trace-list tbody tr th a', { hasText: 'GET /reset?token=***' }).click();
    await row.click();
    await detail.getByRole('link', { name: "Close the span's detail" }).click();
    await detail.waitFor({ state: 'detached' });

    // Logs: a line's detail, closed by Escape, the keyboard back on the line's link (air's lines: the chatty worker's
    // ten a second would move the row out of the list's drawn rows).
    await page.goto(`${new URL(url).origin}/#/logs?tier=air`);
    const open = page.locator('.log-row a.open').first();
    const openHref = (await open.getAttribute('href'))!;
    await open.click();
    await page.getByTestId('log-detail').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('log-detail').waitFor({ state: 'detached' });
    await page.waitForFunction((href) => document.activeElement?.getAttribute('href') === href, openHref);
    // Escape in a search box is the box's: the detail stays.
    await open.click();
    await page.getByLabel('Search', { exact: true }).focus();
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('log-detail').isVisible()).toBe(true);
    expect(pageErrors).toEqual([]);
  }, 240_000);
});
