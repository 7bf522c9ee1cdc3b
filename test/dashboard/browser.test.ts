/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The dashboard in a real Chromium (Debian's, driven by playwright-core) against a real `land up`: log in with the
 * printed URL, watch every tier reach ready, restart one with its button, search the logs, find a child's span
 * under its spawn span in the boot's waterfall — and what the browser cannot show: a request without the cookie
 * gets 401, a foreign Host header is refused, the token stays out of logs and recordings.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { landDone, markedProcesses } from '../helpers/land.js';
import { browserSession, call, dashboardProject, login, upWithDashboard } from './helpers.js';

const { runs, openPage } = browserSession();

const states = (page: Page) =>
  page.$$eval('tr[data-tier]', (rows) => rows.map((row) => `${(row as HTMLElement).dataset.tier}=${(row as HTMLElement).dataset.state}`));

function filesUnder(dir: string): string[] {
  let out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    out = statSync(path).isDirectory() ? [...out, ...filesUnder(path)] : [...out, path];
  }
  return out;
}

describe('the dashboard in Chromium', () => {
  it('logs in, shows every tier ready, restarts one, searches the logs, draws the boot waterfall; guards every door', async () => {
    const dir = dashboardProject();
    const { run, url, port } = await upWithDashboard(dir);
    runs.push(run);
    const token = new URL(url).searchParams.get('token')!;
    const { page, pageErrors, context } = await openPage();

    // Log in: the token becomes an HttpOnly, SameSite=Strict cookie and leaves the address bar.
    await page.goto(url);
    expect(page.url()).toBe(`http://127.0.0.1:${port}/`);
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: `land_dashboard_${port}`, httpOnly: true, sameSite: 'Strict' });
    expect(cookie!.value).not.toContain(token);

    // Tiers: every row reaches ready; the profile and trace id are on top.
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll<HTMLElement>('tr[data-tier]')];
      return rows.length === 2 && rows.every((row) => row.dataset.state === 'ready');
    }, undefined, { timeout: 30_000 });
    expect(await states(page)).toEqual(['air=ready', 'worker=ready']);
    const traceId = /trace ([0-9a-f]{32})/.exec(run.stdout)![1]!;
    expect(await page.getByTestId('trace-id').textContent()).toBe(traceId);
    expect(await page.getByRole('button', { name: 'Start worker', exact: true }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Start worker', exact: true }).getAttribute('title')).toBe('worker is already running');

    // Restart worker with its button: a new pid, ready again.
    const workerPid = page.locator('tr[data-tier="worker"] [data-testid="pid"]');
    const before = Number(await workerPid.textContent());
    await page.getByRole('button', { name: 'Restart worker', exact: true }).click();
    await page.waitForFunction(
      (old) => {
        const row = document.querySelector<HTMLElement>('tr[data-tier="worker"]');
        const pid = Number(row?.querySelector('[data-testid="pid"]')?.textContent);
        return row?.dataset.state === 'ready' && pid > 0 && pid !== old;
      },
      before,
      { timeout: 30_000 },
    );
    const after = Number(await workerPid.textContent());
    expect(after).not.toBe(before);
    expect(run.output).toContain(`worker: spawned pid ${after}`);
    await page.getByRole('status').filter({ hasText: 'worker restarted' }).waitFor();

    // Keyboard: ↓ moves between tier rows, Tab reaches the row's enabled actions, Enter opens the row's detail.
    await page.locator('tr[data-tier="air"]').focus();
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.tier)).toBe('worker');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Stop worker');
    await page.locator('tr[data-tier="worker"]').focus();
    await page.keyboard.press('Enter');

    // The tier's detail: command, probes, the environment with the secret masked.
    const detail = page.getByRole('region', { name: 'worker' });
    await detail.getByText('log line matching chatty up').waitFor();
    expect(await detail.getByRole('row', { name: /API_TOKEN/ }).textContent()).toContain('masked');
    expect(await detail.textContent()).not.toContain('tok-secret-value-123');

    // Logs: all tiers merged, then a search narrows them to the matching lines (ANSI colours rendered as styles).
    const nav = page.getByRole('navigation', { name: 'Pages' });
    await nav.getByRole('link', { name: 'Logs' }).click();
    await page.locator('.log-row .ansi-fg-2').first().waitFor();
    await page.waitForFunction(() => document.querySelectorAll('.log-row').length > 10);
    await page.getByLabel('Search', { exact: true }).fill('needle');
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('.log-row')];
      return rows.length > 0 && rows.every((row) => row.textContent?.includes('needle'));
    });
    const shown = await page.locator('.log-row .text').allTextContents();
    expect(shown.length).toBeGreaterThan(0);
    for (const text of shown) expect(text).toMatch(/^green line (\d+) needle \1$/);
    await page.locator('.menu summary').click();
    await page.getByRole('group', { name: 'Tiers' }).getByRole('checkbox', { name: 'air', exact: true }).check();
    await page.waitForFunction(() => document.querySelectorAll('.log-row').length === 0);

    // Traces: the boot's waterfall, air's own span under its spawn span, under land.boot.
    const bootPolls: number[] = [];
    page.on('response', (response) => {
      if (/\/api\/spans\?trace=/.test(response.url())) bootPolls.push(response.status());
    });
    await nav.getByRole('link', { name: 'Traces' }).click();
    const spawnRow = page.locator('tr[data-span="land.spawn air"]');
    const childRow = page.locator('tr[data-span="air.work"]');
    await childRow.waitFor({ timeout: 20_000 });
    const bootId = await page.locator('tr[data-span="land.boot"]').getAttribute('data-span-id');
    expect(await spawnRow.getAttribute('data-parent-id')).toBe(bootId);
    expect(await childRow.getAttribute('data-parent-id')).toBe(await spawnRow.getAttribute('data-span-id'));
    expect(Number(await childRow.getAttribute('data-depth'))).toBe(2);
    // The running root is drawn on to the page's clock, so the boot's trace is polled by version as the others: 304s
    // while no span comes (it was sent whole at every poll), and the root's time still goes on.
    const bootRow = page.locator('tr[data-span="land.boot"]');
    expect(await bootRow.locator('.status').textContent()).toBe('running');
    const took = await bootRow.locator('td').nth(2).textContent();
    expect(took).toMatch(/…$/);
    await expect.poll(() => bootPolls.includes(304), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => bootRow.locator('td').nth(2).textContent(), { timeout: 30_000 }).not.toBe(took);
    await childRow.getByRole('link', { name: 'air.work' }).click();
    await page.getByRole('region', { name: 'air.work' }).getByText('ok', { exact: true }).waitFor();
    expect(pageErrors).toEqual([]);

    // Without the cookie: 401 for the page, the API, the stream and actions. With it, a foreign Host is refused.
    for (const path of ['/', '/assets/app.js', '/api/state', '/api/stream', '/api/spans']) {
      expect((await call(port, path)).status, path).toBe(401);
    }
    expect((await call(port, '/api/tiers/worker/restart', { method: 'POST', headers: { origin: `http://127.0.0.1:${port}` } })).status).toBe(401);
    expect((await call(port, `/login?token=${token}x`)).status).toBe(401);
    const session = await login(port, url);
    expect((await call(port, '/api/state', { headers: { cookie: session } })).status).toBe(200);
    for (const host of [`evil.example:${port}`, `127.0.0.1:${port + 1}`, 'localhost', `rebound.attacker.test`]) {
      expect((await call(port, '/api/state', { headers: { cookie: session, host } })).status, host).toBe(403);
    }
    expect((await call(port, url.slice(url.indexOf('/login')), { headers: { host: `evil.example:${port}` } })).status).toBe(403);
    // An action from another origin (or with no origin at all) is refused even with the cookie.
    for (const headers of [{ origin: 'http://evil.example' }, {}] as Array<Record<string, string>>) {
      expect((await call(port, '/api/tiers/worker/stop', { method: 'POST', headers: { cookie: session, ...headers } })).status).toBe(403);
    }
    expect(await states(page)).toBeDefined();

    // `land dashboard --print` gives the same URL, through the control socket.
    const printed = await landDone(['dashboard', '--print'], dir);
    expect(printed).toMatchObject({ code: 0, stdout: `${url}\n` });

    expect((await run.stop()).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
    // The token never reached a log file or the recording.
    for (const file of filesUnder(join(dir, '.land'))) expect(readFileSync(file, 'utf8'), file).not.toContain(token);
  }, 120_000);
});
