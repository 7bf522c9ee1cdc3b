/// <reference lib="dom" />
/**
 * The dashboard in a real Chromium against a real `land up` with replicas: the boot's waterfall names each replica's
 * start as `land trace` does (`land.spawn flood.2`); after `land down` the page says the stack has stopped (as
 * Aspire's does), every tier stopped, no uptime counting, every action disabled; when `land up` serves again on the
 * same port, the page says a new boot serves there, and once logged in to it (another tab) it is live on it.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { landDone, makeProject } from '../helpers/land.js';
import { status } from '../control/helpers.js';
import { E2E_TIMEOUT, freePortRange } from '../devloop/helpers.js';
import { browserSession, upWithDashboard } from './helpers.js';

const { runs, openPage } = browserSession();

const connection = (page: Page) => page.locator('header .connection');

describe('the dashboard, a stack with replicas that stops and boots again', () => {
  it('names replica starts as land trace does; shows a stopped stack; goes live on the next boot', async () => {
    const flood = { command: ['node', '-e', 'console.log("flood up"); setInterval(() => {}, 1000)'], ready: { log: 'flood up' }, replicas: 2 };
    const dir = makeProject({ config: { app: 'dash', tiers: { flood } } });
    const port = await freePortRange(1);
    const first = await upWithDashboard(dir, ['--dashboard-port', String(port)]);
    runs.push(first.run);
    await first.run.waitFor(/flood\.2: .*→ ready/, 60_000);
    const { page, pageErrors, context } = await openPage();
    await page.goto(first.url);
    await page.locator('tr[data-tier="flood.2"][data-state="ready"]').waitFor();

    // One naming: the waterfall's rows as land trace's.
    const tree = await landDone(['trace'], dir, { COLUMNS: '120' });
    expect(tree.stdout).toMatch(/land\.spawn flood\.1/);
    expect(tree.stdout).toMatch(/land\.spawn flood\.2/);
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Traces' }).click();
    await page.locator('tr[data-span="land.spawn flood.2"]').waitFor();
    expect(await page.locator('tr[data-span="land.spawn flood.1"]').count()).toBe(1);
    expect(await page.locator('tr[data-span="land.spawn flood"]').count()).toBe(0);

    // Down: the page says so; every tier stopped, no uptime, no action.
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Tiers' }).click();
    await page.locator('tr[data-tier="flood.1"]').waitFor();
    expect((await landDone(['down'], dir)).code).toBe(0);
    await first.run.exited;
    await page.waitForFunction(() => document.querySelector('header .connection')?.getAttribute('data-stopped') === 'true', undefined, { timeout: 30_000 });
    expect(await connection(page).textContent()).toMatch(/the stack has stopped · this page reconnects when a boot serves here again/);
    for (const name of ['flood.1', 'flood.2']) {
      const row = page.locator(`tr[data-tier="${name}"]`);
      expect(await row.getAttribute('data-state')).toBe('stopped');
      expect(await row.getByTestId('pid').textContent()).toBe('-');
      const buttons = row.locator('.actions button');
      expect(await buttons.count()).toBe(3);
      for (const button of await buttons.all()) {
        expect(await button.isDisabled()).toBe(true);
        expect(await button.getAttribute('title')).toBe('the stack has stopped');
      }
    }

    // A new boot on the same port: this page's session is the old boot's, and it says what to do.
    const second = await upWithDashboard(dir, ['--dashboard-port', String(port)]);
    runs.push(second.run);
    await second.run.waitFor(/flood\.2: .*→ ready/, 60_000);
    await page.waitForFunction(() => /a new boot serves here/.test(document.querySelector('header .connection')?.textContent ?? ''), undefined, { timeout: 30_000 });
    // Logged in to it in another tab: this one goes live on the new boot by itself.
    const other = await context.newPage();
    await other.goto(second.url);
    const bootId = (await status(dir)).bootId;
    await page.waitForFunction((id) => document.querySelector('header .identity')?.textContent?.includes(id) === true, bootId, { timeout: 30_000 });
    await page.waitForFunction(() => document.querySelector('header .connection')?.textContent === '● live', undefined, { timeout: 30_000 });
    await page.locator('tr[data-tier="flood.1"][data-state="ready"]').waitFor();
    expect(await page.locator('tr[data-tier="flood.1"] .actions button').first().isDisabled()).toBe(true); // Start: it runs
    expect(await page.locator('tr[data-tier="flood.1"] .actions button').nth(1).isDisabled()).toBe(false); // Stop
    expect(pageErrors).toEqual([]);
  }, E2E_TIMEOUT);
});

describe('the dashboard, a stack whose land is SIGKILLed', () => {
  it("draws the boot's root cut short once the stack is gone, as land trace does, and no longer running", async () => {
    const t = { command: ['node', '-e', 'console.log("t up"); setInterval(() => {}, 1000)'], ready: { log: 't up' } };
    const dir = makeProject({ config: { app: 'dash', tiers: { t } } });
    const { run, url } = await upWithDashboard(dir);
    runs.push(run);
    await run.waitFor(/t: starting → ready/, 60_000);
    const { page, pageErrors } = await openPage();
    await page.goto(url);
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Traces' }).click();
    const root = page.locator('tr[data-span="land.boot"]');
    await page.locator('tr[data-span="land.spawn t"]').waitFor();
    expect(await root.locator('.status').textContent()).toBe('running');

    // No shutdown: its guardian reaps the tier, and land.boot is never written.
    run.signal('SIGKILL');
    await run.exited;
    await page.waitForFunction(() => document.querySelector('header .connection')?.getAttribute('data-stopped') === 'true', undefined, { timeout: 30_000 });
    await page.waitForFunction(() => document.querySelector('tr[data-span="land.boot"] .status')?.textContent === '⚠ cut short', undefined, { timeout: 30_000 });
    expect(await root.getAttribute('class')).toMatch(/\berror\b/);
    expect(await root.locator('.bar').getAttribute('class')).not.toMatch(/running/);
    // Its detail says why, in land trace's words.
    await root.locator('a').click();
    expect(await page.locator('.detail .facts').textContent()).toMatch(/cut short — cut short: land ended without a shutdown \(SIGKILL, a crash, the machine lost\), so land\.boot was never recorded/);

    const tree = await landDone(['trace'], dir, { COLUMNS: '100' });
    expect(tree.stdout.split('\n').find((row) => row.startsWith('land.boot '))).toMatch(/cut short$/);
    expect(pageErrors).toEqual([]);
  }, E2E_TIMEOUT);
});
