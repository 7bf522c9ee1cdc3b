/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Aspire's basics in a real Chromium against a real `land up`: a tier's http endpoint as a link (a new tab with no
 * opener, the probe's token masked), and finding a trace among the request traces children send with the official
 * OpenTelemetry SDK (OTLP/protobuf to land's receiver): by tier, span name, least duration and errors, newest first;
 * a bad query parameter is a 400 naming it.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ROOT, freePort, makeProject } from '../helpers/land.js';
import { browserSession, call, login, upWithDashboard } from './helpers.js';

const REQUESTS = join(ROOT, 'test', 'fixtures', 'otel-requests-child.mjs');
const { runs, openPage } = browserSession();

/** The root names of the listed traces, top to bottom. */
const listed = (page: Page) => page.$$eval('.trace-list tbody tr th a', (links) => links.map((link) => link.textContent));

async function waitForList(page: Page, names: string[]): Promise<void> {
  await page.waitForFunction(
    (wanted) => {
      const shown = [...document.querySelectorAll('.trace-list tbody tr th a')].map((link) => link.textContent).sort();
      return JSON.stringify(shown) === JSON.stringify(wanted);
    },
    [...names].sort(),
    { timeout: 30_000 },
  );
}

describe('finding a trace and opening an endpoint, in Chromium', () => {
  it('links http endpoints only, masks the probe token; filters traces by tier, name, duration and errors', async () => {
    const [shopPort, billingPort] = [await freePort(), await freePort()];
    const shopRequests = [
      { name: 'GET /orders', ms: 5 },
      { name: 'POST /checkout', ms: 40, error: true },
      { name: 'GET /report', ms: 1500, ok: true },
    ];
    const dir = makeProject({
      config: {
        app: 'shop',
        tiers: {
          shop: {
            command: ['node', REQUESTS, JSON.stringify(shopRequests)],
            port: shopPort,
            ready: { http: `http://127.0.0.1:${shopPort}/health?token=probe-secret-123456` },
          },
          // A PORT land knows nothing more of (no http probe): shown as a port, not a link.
          billing: { command: ['node', REQUESTS, JSON.stringify([{ name: 'GET /invoices', ms: 20 }])], port: billingPort, ready: { log: 'requests exported' } },
        },
      },
    });
    const { run, url, port } = await upWithDashboard(dir);
    runs.push(run);
    const { page, pageErrors, context } = await openPage();
    await page.goto(url);
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('tr[data-tier]')].every((row) => row.dataset.state === 'ready'), undefined, {
      timeout: 30_000,
    });

    // Tiers: shop's endpoint is its http probe's origin, a link to a new tab without opener or referrer.
    const link = page.locator('tr[data-tier="shop"] [data-testid="endpoints"] a');
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(`http://127.0.0.1:${shopPort}/`);
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await link.getAttribute('title')).toBe('ready probe: GET /health?token=***');
    expect(await page.locator('tr[data-tier="billing"] [data-testid="endpoints"]').textContent()).toBe(`port ${billingPort}`);
    expect(await page.locator('tr[data-tier="billing"] [data-testid="endpoints"] a').count()).toBe(0);
    const [tab] = await Promise.all([context.waitForEvent('page'), link.click()]);
    await tab.waitForLoadState();
    expect(await tab.textContent('body')).toBe('shop answers');
    expect(await tab.evaluate(() => window.opener)).toBeNull();
    await tab.close();

    // The detail says where the endpoint comes from; the probe's token is nowhere on the page.
    await page.locator('tr[data-tier="shop"] th a').click();
    const endpoints = page.getByTestId('detail-endpoints');
    await endpoints.getByText('ready probe: GET /health?token=***', { exact: false }).waitFor();
    expect(await page.locator('body').textContent()).not.toContain('probe-secret-123456');

    // Traces: every request trace the children sent, newest first, the boot's own left out.
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Traces' }).click();
    await waitForList(page, ['GET /orders', 'POST /checkout', 'GET /report', 'GET /invoices']);
    const starts = await page.$$eval('.trace-list tbody tr', (rows) => rows.map((row) => Number((row as HTMLElement).dataset.start)));
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    expect((await listed(page)).filter((name) => name !== 'GET /invoices')).toEqual(['GET /report', 'POST /checkout', 'GET /orders']);
    expect(await page.getByTestId('trace-count').textContent()).toBe('4 matching of 4 traces held');
    // Status as Aspire says it: a failed span's count, else ok when a span set ok, else unset (no span set one).
    const statuses = await page.$$eval('.trace-list tbody tr', (rows) => Object.fromEntries(rows.map((row) => [row.querySelector('th a')?.textContent, row.querySelector('td:last-child')?.textContent])));
    expect(statuses).toEqual({ 'GET /report': 'ok', 'POST /checkout': '⚠ 1 error', 'GET /orders': 'unset', 'GET /invoices': 'unset' });

    await page.getByLabel('Tier', { exact: true }).selectOption('billing');
    await waitForList(page, ['GET /invoices']);
    await page.getByLabel('Tier', { exact: true }).selectOption('');
    await page.getByLabel('Span name').fill('CHECKOUT work');
    await waitForList(page, ['POST /checkout']);
    await page.getByLabel('Span name').fill('');
    await page.getByLabel('Took at least (ms)').fill('1000');
    await waitForList(page, ['GET /report']);
    await page.getByLabel('Took at least (ms)').fill('');
    await page.getByLabel('Errors only').check();
    await waitForList(page, ['POST /checkout']);
    expect(await page.locator('.trace-list tbody tr').textContent()).toMatch(/⚠ 1 error(?!s)/);

    // Opening one draws its waterfall, the failed span in red and in words; the filter stays.
    await page.locator('.trace-list tbody tr th a').click();
    const failed = page.locator('tr[data-span="POST /checkout work"]');
    await failed.waitFor();
    expect(await failed.getAttribute('class')).toContain('error');
    expect(await failed.textContent()).toContain('⚠ error');
    expect(await page.getByLabel('Errors only').isChecked()).toBe(true);
    expect(pageErrors).toEqual([]);

    // The API: bounded by `limit`, and a bad parameter is a 400 whose one line names it and what was expected.
    const cookie = await login(port, url);
    const answer = await call(port, '/api/traces?limit=2', { headers: { cookie } });
    expect(JSON.parse(answer.body)).toMatchObject({ held: 4, matched: 4, traces: [{}, {}] });
    for (const [query, message] of [
      ['/api/traces?minMs=abc', 'minMs: expected a whole number ≥ 0, got "abc"'],
      ['/api/traces?errors=yes', 'errors: expected 1 or 0, got "yes"'],
      ['/api/traces?limit=0', 'limit: expected a whole number ≥ 1, got "0"'],
      ['/api/spans?trace=xyz', 'trace: expected a trace id of 32 lowercase hex digits, got "xyz"'],
    ]) {
      const bad = await call(port, encodeURI(query!), { headers: { cookie } });
      expect(bad.status, query).toBe(400);
      expect(JSON.parse(bad.body).error.message).toBe(message);
    }
    expect((await run.stop()).code).toBe(0);
  }, 150_000);
});
