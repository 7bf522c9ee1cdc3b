/// <reference lib="dom" />
/**
 * The Logs and Traces pages as Aspire's, in a real Chromium against a real `land up` whose child speaks OTLP/JSON
 * (test/fixtures/otlp-json-child.mjs): the Logs page filtered by tiers, text, attributes and streams shows only what
 * matches; a record's detail shows its attributes (a secret one masked) and links to its trace; the filters survive a
 * reload and Back undoes one; the Traces page's list gets new traces while open, pages, and keeps its filters in the
 * address. And over HTTP: the new parameters, and a bad one a 400 in one line.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ROOT, makeProject } from '../helpers/land.js';
import { CHATTY, browserSession, call, login, upWithDashboard } from './helpers.js';

const OTLP_CHILD = join(ROOT, 'test', 'fixtures', 'otlp-json-child.mjs');
const SECRET = 'sekret-token-value-987';
const { runs, openPage } = browserSession();

/** Waits for the Logs page to list `count` rows, every line and record loaded and matched. */
async function waitForCount(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    (want) => {
      const status = document.querySelector('[data-testid="log-count"]');
      return status?.getAttribute('data-complete') === 'true' && Number(status.getAttribute('data-count')) === want && document.querySelectorAll('.log-row').length === want;
    },
    count,
    { timeout: 30_000 },
  );
}

const rows = (page: Page) =>
  page.$$eval('.log-row', (list) =>
    list.map((row) => `${row.querySelector('.tier-tag')?.textContent} ${row.classList.contains('record') ? 'record' : row.classList.contains('stderr') ? 'stderr' : 'stdout'}: ${row.querySelector('.text')?.textContent}`),
  );

const countText = (page: Page) => page.getByTestId('trace-count').textContent();

describe('the Logs and Traces pages, in Chromium', () => {
  it('filters logs by tier, text, attribute and stream; shows a record whole; keeps filters in the address; lists new traces live, paged', async () => {
    const dir = makeProject({
      config: {
        app: 'shop',
        tiers: {
          web: { command: ['node', OTLP_CHILD, '60'], ready: { log: 'otlp posted' } },
          chatty: { command: ['node', CHATTY], ready: { log: 'chatty up' } },
        },
      },
    });
    const { run, url, port } = await upWithDashboard(dir);
    runs.push(run);
    const { page, pageErrors } = await openPage();
    await page.goto(url);
    const origin = new URL(url).origin;
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Logs' }).click();
    await page.locator('.log-row').first().waitFor();

    // Tiers: web only — its four records, its stdout and stderr line, nothing of chatty's.
    await page.locator('.menu summary').click();
    await page.getByRole('group', { name: 'Tiers' }).getByRole('checkbox', { name: 'web', exact: true }).check();
    await page.locator('.menu summary').click();
    await waitForCount(page, 6);
    expect((await rows(page)).sort()).toEqual(
      [
        'web record: checkout started for user 42',
        'web record: checkout slow for user 42',
        'web record: checkout failed for user 7',
        'web record: cache warmed',
        'web stdout: otlp posted',
        'web stderr: otlp child stderr line',
      ].sort(),
    );
    // Text, then an attribute of the records: only what matches both.
    await page.getByLabel('Search', { exact: true }).fill('checkout');
    await waitForCount(page, 3);
    await page.getByLabel('Attribute', { exact: true }).fill('user.id=42');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await waitForCount(page, 2);
    expect(await rows(page)).toEqual(['web record: checkout started for user 42', 'web record: checkout slow for user 42']);

    // The address holds the filters: a reload shows the same view; Back undoes the attribute, Forward redoes it.
    const hash = new URL(page.url()).hash;
    expect(hash).toBe('#/logs?tier=web&q=checkout&attr=user.id%3D42');
    await page.reload();
    await waitForCount(page, 2);
    expect(await page.getByLabel('Search', { exact: true }).inputValue()).toBe('checkout');
    expect(await page.getByTestId('log-tiers').textContent()).toBe('web');
    await page.getByRole('button', { name: 'Remove the filter user.id=42' }).waitFor();
    await page.goBack();
    await waitForCount(page, 3);
    expect(await page.getByRole('button', { name: 'Remove the filter user.id=42' }).count()).toBe(0);
    await page.goForward();
    await waitForCount(page, 2);

    // A record's detail: every attribute (the secret one masked), the resource's, severity, and a link to its trace.
    await page.locator('.log-row.record', { hasText: 'checkout started' }).locator('.text').click();
    const detail = page.getByTestId('log-detail');
    await detail.getByRole('table', { name: 'Attributes' }).getByRole('row', { name: /user\.id/ }).waitFor();
    expect(await detail.getByRole('table', { name: 'Attributes' }).getByRole('row', { name: /user\.id/ }).textContent()).toBe('user.id42');
    expect(await detail.getByRole('table', { name: 'Attributes' }).getByRole('row', { name: /auth\.token/ }).textContent()).toContain('masked');
    expect(await detail.getByRole('table', { name: 'Resource attributes' }).getByRole('row', { name: /deployment\.environment/ }).textContent()).toBe('deployment.environmenttest');
    expect(await detail.getByTestId('log-content').textContent()).toBe('checkout started for user 42');
    expect(await detail.textContent()).toContain('INFO (9)');
    expect(await page.locator('body').textContent()).not.toContain(SECRET);
    expect(new URL(page.url()).hash).toMatch(/^#\/logs\?tier=web&q=checkout&attr=user\.id%3D42&record=\d+$/);
    await detail.getByTestId('detail-trace').click();
    await page.locator('tr[data-span="request 1"]').waitFor();

    // A shared link: chatty's stderr only; a line's detail shows its whole text, tier and stream.
    await page.goto(`${origin}/#/logs?tier=chatty&stream=stderr`);
    await page.waitForFunction(() => {
      const list = [...document.querySelectorAll('.log-row')];
      return list.length > 0 && list.every((row) => row.classList.contains('stderr'));
    });
    for (const line of await rows(page)) expect(line).toMatch(/^chatty stderr: warning (\d+) on stderr$/);
    expect(await page.getByRole('checkbox', { name: 'stdout', exact: true }).isChecked()).toBe(false);
    const first = page.locator('.log-row').first();
    const text = await first.locator('.text').textContent();
    await first.locator('.text').click();
    await page.getByTestId('log-content').getByText(text!).waitFor();
    expect(await detail.locator('.facts').textContent()).toMatch(/tierchattytime.*streamstderr/);

    // Traces: a new trace appears in the open list with no reload (the document is the same one).
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Traces' }).click();
    await page.locator('.trace-list tr', { hasText: 'tick' }).first().waitFor({ timeout: 30_000 });
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    const newestTick = async () => Math.max(...(await page.$$eval('.trace-list th a', (links) => links.map((link) => Number(/^tick (\d+)$/.exec(link.textContent ?? '')?.[1] ?? 0)))));
    const before = await newestTick();
    await page.waitForFunction(
      (seen) => [...document.querySelectorAll('.trace-list th a')].some((link) => Number(/^tick (\d+)$/.exec(link.textContent ?? '')?.[1] ?? 0) > seen),
      before,
      { timeout: 30_000 },
    );
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);

    // Paging: 60 `batch` traces, 50 a page; the filter and page are in the address, through a reload and Back.
    await page.getByLabel('Span name').fill('batch');
    await page.waitForFunction(() => document.querySelector('[data-testid="trace-count"]')?.textContent?.startsWith('1–50 of 60 matching'));
    expect(await page.locator('.trace-list tbody tr').count()).toBe(50);
    await page.getByRole('button', { name: 'Older →' }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="trace-count"]')?.textContent?.startsWith('51–60 of 60 matching'));
    expect(await page.$$eval('.trace-list th a', (links) => links.map((link) => link.textContent))).toEqual(Array.from({ length: 10 }, (_, i) => `batch ${10 - i}`));
    expect(new URL(page.url()).hash).toBe('#/traces?name=batch&page=2');
    await page.reload();
    await page.waitForFunction(() => document.querySelector('[data-testid="trace-count"]')?.textContent?.startsWith('51–60 of 60 matching'));
    expect(await page.getByLabel('Span name').inputValue()).toBe('batch');
    await page.goBack();
    await page.waitForFunction(() => document.querySelector('[data-testid="trace-count"]')?.textContent?.startsWith('1–50 of 60 matching'));
    expect(await countText(page)).toMatch(/^1–50 of 60 matching of \d+ traces held$/);
    expect(pageErrors).toEqual([]);

    // Over HTTP: the records' filters, the detail, and bad parameters in one line.
    const cookie = await login(port, url);
    const get = async (path: string) => call(port, path, { headers: { cookie } });
    const json = async (path: string) => JSON.parse((await get(path)).body) as { held: number; matched: number; records: Array<{ id: number; body: string }> };
    expect((await json('/api/log-records?tier=web&severity=warn')).records.map((r) => r.body)).toEqual(['checkout slow for user 42', 'checkout failed for user 7']);
    expect((await json('/api/log-records?attr=user.id%3D42&attr=cart.items%3D3')).records.map((r) => r.body)).toEqual(['checkout slow for user 42']);
    const newest = await json('/api/log-records?limit=1');
    expect(newest).toMatchObject({ held: 4, matched: 4, records: [{ body: 'cache warmed' }] });
    const all = await get('/api/log-records');
    expect(all.body).not.toContain(SECRET);
    const started = (JSON.parse(all.body) as { records: Array<{ id: number; body: string }> }).records.find((r) => r.body.startsWith('checkout started'))!;
    const whole = await get(`/api/log-records/${started.id}`);
    expect(JSON.parse(whole.body)).toMatchObject({ tier: 'web', service: 'shop-web', severity: 'INFO', resource: expect.arrayContaining([['deployment.environment', 'test']]) });
    expect(whole.body).not.toContain(SECRET);
    for (const [path, status, message] of [
      ['/api/log-records?severity=LOUD', 400, 'severity: expected one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL, got "LOUD"'],
      ['/api/log-records?attr=novalue', 400, 'attr: expected key=value, got "novalue"'],
      ['/api/log-records?limit=0', 400, 'limit: expected a whole number ≥ 1, got "0"'],
      ['/api/log-records/abc', 400, 'log record id: expected a whole number ≥ 0, got "abc"'],
      ['/api/log-records/999999', 404, 'no log record 999999 in memory: the receiver holds the newest ones only'],
      ['/api/traces?offset=-1', 400, 'offset: expected a whole number ≥ 0, got "-1"'],
    ] as const) {
      const bad = await get(path);
      expect(bad.status, path).toBe(status);
      expect(bad.body.trimEnd().split('\n'), path).toHaveLength(1);
      expect(JSON.parse(bad.body).error.message, path).toBe(message);
    }
    // Without the session, the new routes are closed like every other.
    for (const path of ['/api/log-records', `/api/log-records/${started.id}`]) expect((await call(port, path)).status, path).toBe(401);
    expect((await run.stop()).code).toBe(0);
  }, 180_000);
});
