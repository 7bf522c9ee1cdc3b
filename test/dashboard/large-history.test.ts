/// <reference lib="dom" />
/**
 * The Logs page with a long history, in a real Chromium against a real `land up`: 64 tiers wrote 32 000 lines
 * before the page was opened. The page shows the newest line at once with the total count, has the older lines
 * streamed in behind it (a page at a time: no answer is built larger than one), reaches the oldest line the dashboard keeps
 * when scrolled to the top, and a search finds a line deep in the history. Behaviour only: no timing is asserted.
 */
import { describe, expect, it } from 'vitest';
import { LOG_PAGE_MAX, type LogPage } from '../../src/dashboard/wire.js';
import { ROOT, makeProject, markedProcesses } from '../helpers/land.js';
import { join } from 'node:path';
import { browserSession, call, login, upWithDashboard } from './helpers.js';

const TIERS = 64;
const LINES = 500;

const { runs, openPage } = browserSession();

/** 64 tiers, each printing `t<i> line 00001` … `t<i> line 00500` at once, then sleeping. */
function chattyStack(): string {
  const tiers = Object.fromEntries(
    Array.from({ length: TIERS }, (_, i) => [`t${i}`, { command: ['sh', '-c', `seq -f 't${i} line %05g' 1 ${LINES}; exec sleep 100000`] }]),
  );
  return makeProject({ config: { app: 'history', tiers } });
}

describe('the Logs page with a long history', () => {
  it('shows the newest line with the count, reaches the oldest kept line at the top, and finds a deep line', async () => {
    const dir = chattyStack();
    const { run, url, port } = await upWithDashboard(dir);
    runs.push(run);
    const cookie = await login(port, url);
    const held = async (path: string) => JSON.parse((await call(port, path, { headers: { cookie } })).body) as LogPage;
    // Every tier has printed all of its lines (the dashboard's ring starts from the supervisor's recent lines).
    for (;;) {
      const newest = await held('/api/logs');
      if (newest.next - newest.oldest >= TIERS * LINES) break;
      await new Promise((done) => setTimeout(done, 100));
    }
    // One answer is one page, however much is asked for.
    const { next, oldest, lines } = await held(`/api/logs?limit=${TIERS * LINES}`);
    expect(next - oldest).toBe(TIERS * LINES);
    expect(lines.length).toBe(LOG_PAGE_MAX);
    expect(lines.at(-1)![0]).toBe(next - 1);
    const oldestLine = (await held(`/api/logs?before=${oldest + 1}`)).lines[0]!;
    // The history below the newest page: one NDJSON answer of pages, newest first, each at most a page, no line missed.
    const history = await call(port, `/api/logs/history?before=${lines[0]![0]}`, { headers: { cookie } });
    expect(history.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const pages = history.body.trimEnd().split('\n').map((text) => JSON.parse(text) as LogPage);
    expect(pages.length).toBeGreaterThan(1);
    const seqs = pages.flatMap((page) => {
      expect(page.lines.length).toBeLessThanOrEqual(LOG_PAGE_MAX);
      return page.lines.map((line) => line[0]);
    });
    expect(seqs.length).toBe(TIERS * LINES - LOG_PAGE_MAX);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(Math.min(...seqs)).toBe(oldest);
    expect(pages[0]!.lines.at(-1)![0]).toBe(lines[0]![0] - 1);

    const { page, pageErrors } = await openPage();
    await page.goto(url);
    // As a person goes there: the Logs link of the page's navigation (a second goto that only changes the hash
    // raced the first page's start in CI).
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Logs' }).click();

    // The newest line in view, and the count of every line kept, before the older ones have all arrived.
    const count = page.getByTestId('log-count');
    const list = page.getByRole('log', { name: 'Output of all tiers' });
    await list.locator(`.log-row[data-seq="${next - 1}"]`).waitFor();
    expect(await list.locator(`.log-row[data-seq="${next - 1}"]`).isVisible()).toBe(true);
    expect(await count.getAttribute('data-count')).toBe(String(TIERS * LINES));
    await page.waitForFunction(() => document.querySelector('[data-testid="log-count"]')?.getAttribute('data-complete') === 'true', undefined, { timeout: 60_000 });
    expect(await count.textContent()).toBe(`${(TIERS * LINES).toLocaleString('en-US')} lines`);

    // Scrolled to the top: the oldest line kept, drawn as itself (not a placeholder).
    await list.evaluate((box) => (box.scrollTop = 0));
    const top = list.locator(`.log-row[data-seq="${oldestLine[0]}"]`);
    await top.waitFor();
    expect(await top.locator('.text').textContent()).toBe(oldestLine[4]);
    expect(await list.locator('.log-row.pending').count()).toBe(0);
    expect(await page.getByRole('checkbox', { name: 'Follow' }).isChecked()).toBe(false);

    // A search finds one line deep in the history (printed among the first, 30 000 lines before the end).
    await page.getByLabel('Search', { exact: true }).fill('t17 line 00003');
    await page.waitForFunction(() => document.querySelector('[data-testid="log-count"]')?.getAttribute('data-complete') === 'true' && document.querySelectorAll('.log-row').length === 1);
    expect(await list.locator('.log-row .text').allTextContents()).toEqual(['t17 line 00003']);
    expect(await count.textContent()).toBe('1 line');
    expect(pageErrors).toEqual([]);

    expect((await run.stop()).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, 120_000);

  it("merges the children's structured records into the lines in time order, and filters them by severity", async () => {
    const tiers = {
      ...Object.fromEntries(['a', 'b', 'c'].map((name) => [name, { command: ['sh', '-c', `seq -f '${name} line %05g' 1 900; exec sleep 100000`] }])),
      // One OTLP/JSON log record (ERROR, "curl child reports") posted to land's receiver with curl, then one line.
      reporter: { command: ['bash', join(ROOT, 'test', 'fixtures', 'otlp-curl-child.sh')] },
    };
    const { run, url, port } = await upWithDashboard(makeProject({ config: { app: 'records', tiers } }));
    runs.push(run);
    await run.waitFor(/reporter: .*→ exited/, 30_000);
    const { page, pageErrors } = await openPage();
    await page.goto(url);
    // As a person goes there: the Logs link of the page's navigation (a second goto that only changes the hash
    // raced the first page's start in CI).
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Logs' }).click();
    const count = page.getByTestId('log-count');
    const list = page.getByRole('log', { name: 'Output of all tiers' });
    // Every line (900 a tier: within what the supervisor keeps per tier before the dashboard first serves) and the
    // one record, in one list (the record among the lines, out of view: the list follows the end).
    await page.waitForFunction(
      (want) => {
        const status = document.querySelector('[data-testid="log-count"]');
        return status?.getAttribute('data-complete') === 'true' && Number(status.getAttribute('data-count')) === want;
      },
      3 * 900 + 1 + 1,
    );

    // The record, then the line the child printed after posting it.
    await page.getByLabel('Search', { exact: true }).fill('child');
    await page.waitForFunction(() => document.querySelectorAll('.log-row').length === 2);
    expect(await list.locator('.log-row .text').allTextContents()).toEqual(['curl child reports', 'curl child posted']);
    const record = list.locator('.log-row.record');
    expect(await record.getAttribute('data-severity')).toBe('ERROR');
    expect(await record.getByRole('link', { name: 'trace' }).count()).toBe(1);
    await page.getByLabel('Search', { exact: true }).fill('');
    await page.getByLabel('Severity', { exact: true }).selectOption('ERROR');
    await page.waitForFunction(() => document.querySelectorAll('.log-row').length === 1);
    expect(await list.locator('.log-row .text').allTextContents()).toEqual(['curl child reports']);
    expect(await count.textContent()).toBe('1 line');
    expect(pageErrors).toEqual([]);
    expect((await run.stop()).code).toBe(0);
  }, 120_000);
});
