/// <reference lib="dom" />
/**
 * The Logs page tells replicas apart, in a real Chromium against a real `land up`: two replicas of a child using the
 * official OpenTelemetry SDK (test/fixtures/otel-sdk-child.mjs) each send a log record carrying its pid, and land
 * gives each replica its `service.instance.id`. Each record is listed under the replica that sent it, and picking
 * `web.2` shows web.2's lines and web.2's record only, as `land logs web.2` does.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ROOT, makeProject } from '../helpers/land.js';
import { waitForTier } from '../control/helpers.js';
import { browserSession, call, login, upWithDashboard } from './helpers.js';

const SDK_CHILD = join(ROOT, 'test', 'fixtures', 'otel-sdk-child.mjs');
const { runs, openPage } = browserSession();

/** Each listed row as `<tier tag> <record|stdout|stderr>: <text>`. */
const rows = (page: Page) =>
  page.$$eval('.log-row', (list) =>
    list.map((row) => `${row.querySelector('.tier-tag')?.textContent} ${row.classList.contains('record') ? 'record' : row.classList.contains('stderr') ? 'stderr' : 'stdout'}: ${row.querySelector('.text')?.textContent}`),
  );

/** Waits until the listing is complete and `check` holds for its rows. */
async function waitForRows(page: Page, check: (listed: string[]) => boolean): Promise<string[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const complete = await page.getByTestId('log-count').getAttribute('data-complete');
    const listed = await rows(page);
    if (complete === 'true' && check(listed)) return listed;
    if (Date.now() > deadline) throw new Error(`the Logs page listed ${JSON.stringify(listed)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const records = (listed: string[]) => listed.filter((row) => row.includes(' record: ')).sort();

describe('the Logs page and replicas, in Chromium', () => {
  it("lists each replica's OTLP records under it, and a replica picked shows its own lines and records only", async () => {
    const dir = makeProject({ config: { app: 'shop', tiers: { web: { command: ['node', SDK_CHILD], ready: { log: 'exported' }, replicas: 2 } } } });
    const { run, url, port } = await upWithDashboard(dir);
    runs.push(run);
    const ready = (tier: { state: string }) => tier.state === 'ready';
    const [one, two] = [await waitForTier(dir, 'web.1', ready, 'ready'), await waitForTier(dir, 'web.2', ready, 'ready')];
    const { page, pageErrors } = await openPage();
    await page.goto(url);
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Logs' }).click();

    // Every tier: the two records, each under the replica that sent it.
    expect(records(await waitForRows(page, (listed) => records(listed).length === 2))).toEqual(['web.1 record: sdk child warns', 'web.2 record: sdk child warns']);

    // web.2 picked: its stdout line and its record, nothing of web.1's.
    await page.locator('.menu summary').click();
    await page.getByRole('group', { name: 'Tiers' }).getByRole('checkbox', { name: 'web.2', exact: true }).check();
    await page.locator('.menu summary').click();
    const listed = await waitForRows(page, (shown) => records(shown).length === 1 && shown.some((row) => row.startsWith('web.2 stdout: ')));
    expect(records(listed)).toEqual(['web.2 record: sdk child warns']);
    expect(listed.filter((row) => !row.startsWith('web.2 '))).toEqual([]);
    expect(new URL(page.url()).hash).toBe('#/logs?tier=web.2');
    // The record is web.2's own: its detail names the replica, and the pid it carries is web.2's.
    await page.locator('.log-row.record').locator('.text').click();
    const detail = page.getByTestId('log-detail');
    const pidRow = detail.getByRole('table', { name: 'Attributes' }).getByRole('row', { name: /sdk\.pid/ });
    await pidRow.waitFor();
    expect(await pidRow.textContent()).toBe(`sdk.pid${two.pid}`);
    expect(await detail.getByRole('table', { name: 'Resource attributes' }).getByRole('row', { name: /service\.instance\.id/ }).textContent()).toBe('service.instance.idweb.2');
    expect(pageErrors).toEqual([]);

    // Over HTTP, as the page asks: each replica's record under it; the tier's name, both.
    const cookie = await login(port, url);
    const listedFor = async (query: string) =>
      (JSON.parse((await call(port, `/api/log-records${query}`, { headers: { cookie } })).body) as { records: Array<{ tier: string; body: string }> }).records.map((r) => r.tier).sort();
    expect(await listedFor('?tier=web.1')).toEqual(['web.1']);
    expect(await listedFor('?tier=web.2')).toEqual(['web.2']);
    expect(await listedFor('?tier=web')).toEqual(['web.1', 'web.2']);
    expect(await listedFor('')).toEqual(['web.1', 'web.2']);
    expect(one.pid).not.toBe(two.pid);
    expect((await run.stop()).code).toBe(0);
  }, 180_000);
});
