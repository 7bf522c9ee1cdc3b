/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * A deep trace a child sends with the official OpenTelemetry SDK, in a real Chromium against a real `land up`: its
 * subtrees fold away and back from the keyboard; it is polled with its version (304 when unchanged) and not at all
 * once complete; a span's long values are cut with "Show all", names at the top of their rows; an exception's stack
 * trace is text in lines; the span's resource is shown; `Logs of this trace` lists its records only; two spans whose
 * parent links form a cycle are both drawn; the Telemetry page counts what each tier sent, a tier's detail links to
 * its traces and metrics; the Logs page says where the older lines it does not hold are, also of a tier whose lines
 * roll off while it is open; at 820 px the Tiers' buttons stay in view. The API: 304 to a matching If-None-Match, a
 * span whole.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ROOT, makeProject } from '../helpers/land.js';
import { browserSession, call, login, upWithDashboard } from './helpers.js';

const DEEP = join(ROOT, 'test', 'fixtures', 'otel-deep-trace-child.mjs');
const { runs, openPage } = browserSession();
const LOUD = "for (let i = 0; i < 3000; i++) console.log('loud line ' + i); console.log('loud up'); setInterval(() => {}, 1 << 30);";
// Quiet until the test creates `go` in its folder, then more lines than the dashboard's ring holds (100 000).
const LATE =
  "const fs = require('fs'); console.log('late up'); const t = setInterval(() => { if (!fs.existsSync('go')) return; clearInterval(t); " +
  "for (let i = 0; i < 101000; i++) console.log('late line ' + i); console.log('late done'); setInterval(() => {}, 1 << 30); }, 100);";

// Two spans that name each other as parent, posted over OTLP/JSON: neither is a root, both belong in the waterfall.
const LOOP =
  "const hex = (n) => require('crypto').randomBytes(n).toString('hex'); const t = hex(16), a = hex(8), b = hex(8), at = BigInt(Date.now() - 1000) * 1000000n;" +
  "const span = (spanId, parentSpanId, name, ms) => ({ traceId: t, spanId, parentSpanId, name, kind: 1, startTimeUnixNano: String(at + BigInt(ms) * 1000000n), endTimeUnixNano: String(at + BigInt(ms + 5) * 1000000n) });" +
  "const body = { resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 'loop' }, spans: [span(b, a, 'loop b', 20), span(a, b, 'loop a', 10)] }] }] };" +
  "fetch(process.env.OTEL_EXPORTER_OTLP_ENDPOINT + '/v1/traces', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })" +
  ".then((res) => { if (!res.ok) throw new Error('traces: ' + res.status); console.log('loop sent ' + t); setInterval(() => {}, 1 << 30); });";

const shownSpans = (page: Page) => page.$$eval('table.waterfall tbody tr', (rows) => rows.map((row) => (row as HTMLElement).dataset.span));

describe('a deep trace and its spans, in Chromium', () => {
  it('folds subtrees, polls by version until complete, shows long values, stacks, resources; links trace, tier, logs and metrics; narrow tiers', async () => {
    const dir = makeProject({
      config: {
        app: 'deep',
        tiers: {
          shop: { command: ['node', DEEP], ready: { log: 'deep trace exported' } },
          // More lines before the dashboard opens than the supervisor keeps per tier (1 000).
          loud: { command: ['node', '-e', LOUD], ready: { log: 'loud up' } },
          late: { command: ['node', '-e', LATE], ready: { log: 'late up' } },
          loop: { command: ['node', '-e', LOOP], ready: { log: 'loop sent' } },
        },
      },
    });
    const { run, url, port } = await upWithDashboard(dir);
    runs.push(run);
    await run.waitFor(/deep trace exported/);
    await run.waitFor(/loud up/);
    const loopTrace = (await run.waitFor(/loop sent ([0-9a-f]{32})/))[1]!;
    const { page, pageErrors } = await openPage();
    const polls: number[] = [];
    page.on('response', (response) => {
      if (/\/api\/spans\?trace=/.test(response.url())) polls.push(response.status());
    });
    await page.goto(url);
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Traces' }).click();
    await page.locator('.trace-list tbody tr th a', { hasText: 'checkout' }).click();
    await page.waitForFunction(() => document.querySelectorAll('table.waterfall tbody tr').length === 6, undefined, { timeout: 60_000 });
    expect(await shownSpans(page)).toEqual(['checkout', 'load cart', 'db.query', 'db.query', 'db.query', 'charge']);

    // Folding: a button on each span with children, reached and pressed from the keyboard.
    const fold = page.getByRole('button', { name: 'Collapse load cart (3 spans under it)' });
    expect(await fold.getAttribute('aria-expanded')).toBe('true');
    await fold.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Expand load cart (3 spans under it)' }).waitFor();
    expect(await shownSpans(page)).toEqual(['checkout', 'load cart', 'charge']);
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Collapse load cart (3 spans under it)' }).waitFor();
    expect(await shownSpans(page)).toHaveLength(6);
    await page.getByRole('button', { name: 'Collapse checkout (5 spans under it)' }).click();
    expect(await shownSpans(page)).toEqual(['checkout']);
    await page.getByRole('button', { name: 'Expand checkout (5 spans under it)' }).click();
    expect(await page.locator('tr[data-span="db.query"] .fold').count()).toBe(0);

    // Polled by version: unchanged answers are 304s; once complete, no more polls until asked.
    const freshness = page.getByTestId('trace-freshness');
    await freshness.getByText('complete', { exact: false }).waitFor({ timeout: 60_000 });
    expect(polls[0]).toBe(200);
    expect(polls.filter((status) => status === 304).length).toBeGreaterThanOrEqual(5);
    const asked = polls.length;
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect(polls.length).toBe(asked);
    await freshness.getByRole('button', { name: 'Check for new spans' }).click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="trace-freshness"]')?.textContent?.includes('complete'));
    await expect.poll(() => polls.length, { timeout: 30_000 }).toBeGreaterThan(asked);
    expect(polls.slice(asked).every((status) => status === 304)).toBe(true);

    // A long value: cut, its name at the top of its row, shown whole on demand.
    await page.locator('tr[data-span="db.query"] th a').first().click();
    const attributes = page.getByRole('table', { name: 'Attributes' });
    const statement = attributes.getByRole('row', { name: /db\.statement/ });
    const cut = (await statement.locator('code').textContent())!;
    expect(cut.length).toBeLessThan(400);
    expect(cut).toMatch(/^SELECT x+…$/);
    const [nameBox, valueBox] = [await statement.locator('th').boundingBox(), await statement.locator('td').boundingBox()];
    expect(Math.abs(nameBox!.y - valueBox!.y)).toBeLessThan(2);
    await statement.getByRole('button', { name: 'Show all 5,000 characters' }).click();
    expect((await statement.locator('code').textContent())!.length).toBe(5_000);
    // Its resource, asked for separately.
    const resource = page.getByRole('table', { name: 'Resource attributes' });
    expect(await resource.getByRole('row', { name: /deployment\.environment/ }).textContent()).toContain('dashboard-test');

    // An exception: its type and message, and the stack trace in lines (not JSON with \n); the 200 000 characters cut
    // (the receiver keeps 8 KiB of a value).
    await page.locator('tr[data-span="charge"] th a').click();
    const stack = page.getByLabel('Stack trace');
    const text = (await stack.textContent())!;
    expect(text.split('\n').length).toBeGreaterThan(3);
    expect(text).toContain('PaymentError: card declined\n    at ');
    expect(await page.locator('.span-event').textContent()).toContain('PaymentError: card declined');
    expect(await page.locator('.span-event').textContent()).not.toContain('\\n');
    const blob = page.getByRole('table', { name: 'Attributes' }).getByRole('row', { name: /big\.blob/ });
    expect((await blob.locator('code').textContent())!.length).toBeLessThan(400);
    await blob.getByRole('button', { name: 'Show all 8,192 characters' }).waitFor();
    expect(pageErrors).toEqual([]);

    // The API: the trace's version as an ETag, a 304 to it; one span whole; a bad span id a 400 naming it.
    const cookie = await login(port, url);
    const traceId = new URL(page.url()).hash.match(/trace=([0-9a-f]{32})/)![1]!;
    const first = await call(port, `/api/spans?trace=${traceId}`, { headers: { cookie } });
    const etag = String(first.headers.etag);
    expect(first.status).toBe(200);
    const again = await call(port, `/api/spans?trace=${traceId}`, { headers: { cookie, 'if-none-match': etag } });
    expect([again.status, again.body]).toEqual([304, '']);
    const spans = (JSON.parse(first.body) as { spans: Array<{ spanId: string; name: string; resource?: unknown }> }).spans;
    expect(spans.every((span) => span.resource === undefined)).toBe(true);
    const charge = spans.find((span) => span.name === 'charge')!;
    const whole = await call(port, `/api/spans/${charge.spanId}?trace=${traceId}`, { headers: { cookie } });
    expect(JSON.parse(whole.body)).toMatchObject({ name: 'charge', resource: { 'deployment.environment': 'dashboard-test' } });
    const bad = await call(port, `/api/spans/nothex?trace=${traceId}`, { headers: { cookie } });
    expect([bad.status, JSON.parse(bad.body).error.message]).toEqual([400, 'span id: expected 16 lowercase hex digits, got "nothex"']);
    const gone = await call(port, `/api/spans/0123456789abcdef?trace=${traceId}`, { headers: { cookie } });
    expect(gone.status).toBe(404);
    const records = await call(port, `/api/log-records?trace=${traceId}`, { headers: { cookie } });
    expect(JSON.parse(records.body)).toMatchObject({ matched: 1, records: [{ body: 'charge failed: card declined', traceId }] });
    const badTrace = await call(port, '/api/log-records?trace=xyz', { headers: { cookie } });
    expect([badTrace.status, JSON.parse(badTrace.body).error.message]).toEqual([400, 'trace: expected a trace id of 32 lowercase hex digits, got "xyz"']);

    // From the span to its trace's logs: the records that name the trace, no plain line, the filter removable.
    await page.getByRole('link', { name: 'Logs of this trace' }).first().click();
    await page.waitForFunction(() => document.querySelectorAll('.log-row').length === 1 && document.querySelector('.log-row')?.textContent?.includes('charge failed'));
    expect(new URL(page.url()).hash).toBe(`#/logs?trace=${traceId}`);
    await page.getByRole('button', { name: `Remove the filter trace ${traceId}` }).click();
    await page.locator('.log-row', { hasText: 'unrelated record' }).waitFor();
    await page.locator('.log-row', { hasText: 'deep trace exported' }).waitFor();
    expect(pageErrors).toEqual([]);

    // A cycle of parent links (two spans, each the other's parent): both drawn, the earlier as the root.
    await page.goto(`${new URL(page.url()).origin}/#/traces?trace=${loopTrace}`);
    await page.locator('table.waterfall tr[data-span="loop b"]').waitFor();
    expect(await shownSpans(page)).toEqual(['loop a', 'loop b']);
    expect(await page.$$eval('table.waterfall tbody tr', (rows) => rows.map((row) => (row as HTMLElement).dataset.depth))).toEqual(['0', '1']);
    expect(pageErrors).toEqual([]);

    // The Logs page says where the older lines of a tier it does not hold are, and only for such a tier.
    await page.goto(`${new URL(page.url()).origin}/#/logs`);
    const older = page.getByTestId('older-on-disk');
    await older.waitFor();
    const bootId = (await call(port, '/api/state', { headers: { cookie } })).body.match(/"bootId":"([^"]+)"/)![1]!;
    expect(await older.textContent()).toContain(`Older lines of loud are not held here`);
    expect(await older.textContent()).toContain(`land logs loud and .land/logs/${bootId}/loud.log`);
    await page.goto(`${new URL(page.url()).origin}/#/logs?tier=shop`);
    await page.locator('.log-row', { hasText: 'deep trace exported' }).waitFor();
    expect(await older.count()).toBe(0);
    // Lines that arrive and push a tier's oldest out of the ring: the hint names it, the page not reloaded.
    await page.goto(`${new URL(page.url()).origin}/#/logs?tier=late`);
    await page.locator('.log-row', { hasText: 'late up' }).waitFor();
    expect(await older.count()).toBe(0);
    writeFileSync(join(dir, 'go'), '');
    await run.waitFor(/late done/, 60_000);
    await older.waitFor({ timeout: 60_000 });
    expect(await older.textContent()).toContain(`Older lines of late are not held here`);
    expect(await older.textContent()).toContain(`land logs late and .land/logs/${bootId}/late.log`);

    // Per tier: what the receiver kept and dropped, with links to the tier's traces, records and metrics.
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Telemetry' }).click();
    const shopCounts = page.getByRole('table', { name: 'Received by tier' }).locator('tr[data-tier="shop"]');
    await shopCounts.waitFor();
    expect(await shopCounts.locator('td').allTextContents()).toEqual(['6', '2', '1', '0', '0', 'traces · records · metrics']);
    await shopCounts.getByRole('link', { name: 'traces' }).click();
    expect(new URL(page.url()).hash).toBe('#/traces?tier=shop');
    await page.locator('.trace-list tbody tr th a', { hasText: 'checkout' }).waitFor();
    // The tier's detail links to its logs, traces and metrics.
    await page.goto(`${new URL(page.url()).origin}/#/tiers?tier=shop`);
    // At 820 px the Tiers table keeps every action button inside what it shows (none cut off).
    await page.setViewportSize({ width: 820, height: 700 });
    const restart = page.getByRole('button', { name: 'Restart shop' });
    await restart.waitFor();
    const scroller = (await page.locator('.table-scroll').first().boundingBox())!;
    for (const name of ['Start shop', 'Stop shop', 'Restart shop']) {
      const box = (await page.getByRole('button', { name, exact: true }).boundingBox())!;
      expect(box.x + box.width, name).toBeLessThanOrEqual(scroller.x + scroller.width);
    }
    expect(await page.locator('.table-scroll').first().evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('link', { name: 'Metrics of shop' }).click();
    await page.getByText('Tier shop only').waitFor();
    expect(await page.locator('section.metric-tier h2').allTextContents()).toEqual(['shop']);
    // Its charts draw (the axes of chart-axes.ts, one point or many) without an error.
    await page.locator('section.metric-tier figure.chart canvas').first().waitFor();
    // A histogram: its mean and percentiles (from the buckets), its description and unit.
    const histogram = page.locator('figure.chart', { hasText: 'checkout.duration' });
    const caption = (await histogram.locator('figcaption').textContent())!;
    expect(caption).toMatch(/now 505 ms · P50 \d+ ms · P90 \d+ ms · P99 \d+ ms/);
    expect(caption).toContain('time a checkout takes · unit ms');
    expect(pageErrors).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 240_000);
});
