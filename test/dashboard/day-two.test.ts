/// <reference lib="dom" />
/**
 * What a day-two tester found, in a real Chromium against a real `land up`: a span with a bad clock (seconds sent as
 * nanoseconds) under the boot's trace is drawn with `?` and counted, and the waterfall's scale comes from the others;
 * the Telemetry page's poll sends counts and the latest events, not every one; at 1 400 px the Tiers table's action
 * buttons are all inside the page; a tab that goes round every page again and again keeps about the nodes and
 * listeners of its first round.
 */
import type { CDPSession, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { makeProject } from '../helpers/land.js';
import { TRACED, browserSession, upWithDashboard } from './helpers.js';

const { runs, openPage } = browserSession();

// Under the boot's trace (TRACEPARENT): one span now, one whose times are seconds sent as nanoseconds (1970).
const BAD_CLOCK =
  "const [, t, p] = process.env.TRACEPARENT.split('-'); const hex = (n) => require('crypto').randomBytes(n).toString('hex');" +
  "const ns = (ms) => String(BigInt(Math.round(ms)) * 1000000n); const now = Date.now();" +
  "const span = (name, start, end) => ({ traceId: t, spanId: hex(8), parentSpanId: p, name, kind: 1, startTimeUnixNano: start, endTimeUnixNano: end });" +
  "const body = { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'clock' } }] }, scopeSpans: [{ spans: [" +
  "span('good span', ns(now - 500), ns(now - 200)), span('bad clock', '1765160000', '1765160001')] }] }] };" +
  "fetch(process.env.OTEL_EXPORTER_OTLP_ENDPOINT + '/v1/traces', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })" +
  ".then((r) => { console.log('clock sent ' + r.status); setInterval(() => {}, 1 << 30); });";

async function counts(cdp: CDPSession): Promise<{ nodes: number; listeners: number }> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const value = (name: string) => metrics.find((metric) => metric.name === name)!.value;
  return { nodes: value('Nodes'), listeners: value('JSEventListeners') };
}

describe('a day-two stack in Chromium', () => {
  it('draws a bad clock with ?, and a tab going round every page does not grow', async () => {
    const dir = makeProject({
      config: {
        app: 'daytwo',
        tiers: {
          air: { command: ['node', TRACED], ready: { log: 'traced child air up' } },
          clock: { command: ['node', '-e', BAD_CLOCK], ready: { log: 'clock sent' } },
          // Restarting (events, a changing state) with a long name and last line: the Tiers table's widest row.
          crashloop: { command: ['node', '-e', "console.log('crash life ' + process.pid + ' stderr last xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'); setTimeout(() => process.exit(3), 1500);"] },
        },
      },
      files: { '.env.Land.PostHog': 'Capture=true\nRecord=1\n' },
    });
    const { run, url } = await upWithDashboard(dir);
    runs.push(run);
    expect((await run.waitFor(/clock sent (\d+)/, 60_000))[1]).toBe('200');
    const { page, pageErrors, context } = await openPage();
    const origin = new URL(url).origin;
    await page.goto(url);
    await page.locator('h1.page-title').first().waitFor();

    // The boot's waterfall: the bad clock's row has `?`, no bar; the others have theirs on a scale of seconds.
    await page.goto(`${origin}/#/traces`);
    await page.locator('tr[data-span="bad clock"]').waitFor();
    await page.locator('tr[data-span="good span"] .bar').waitFor();
    expect(await page.getByTestId('off-clock').textContent()).toMatch(/^1 span with a time before 2000 or a year off the boot: drawn with \?/);
    expect(await page.locator('tr[data-span="bad clock"] .bar').count()).toBe(0);
    expect(await page.locator('tr[data-span="bad clock"] td.timeline').textContent()).toBe('?');
    const header = await page.locator('table.waterfall th', { hasText: /^timeline/ }).textContent();
    expect(header).toMatch(/^timeline \((\d+(\.\d+)?m?s|\dm\d\ds)\)$/);
    expect(await page.locator('tr[data-span="air.work"] .bar').count()).toBe(1);

    // The Telemetry page's poll: the events counted, the latest few whole, more when asked.
    const telemetry = (latest?: number) =>
      page.evaluate(async (query) => (await fetch(`/api/telemetry${query}`)).json(), latest === undefined ? '' : `?latest=${latest}`) as Promise<{
        total: number;
        counts: Record<string, number>;
        events: Array<{ event: string }>;
      }>;
    const one = await telemetry(1);
    expect(one.total).toBeGreaterThan(1);
    expect(one.events).toHaveLength(1);
    expect(Object.values(one.counts).reduce((a, b) => a + b, 0)).toBe(one.total);
    // One answer: events keep coming between two fetches.
    const all = await telemetry();
    expect(all.events.length).toBe(Math.min(200, all.total));
    expect((await page.evaluate(async () => (await fetch('/api/telemetry?latest=x')).status))).toBe(400);

    // At 1 400 px (and just above where the buttons stack) every Tiers action button is inside the page.
    for (const width of [1400, 1120]) {
      await page.setViewportSize({ width, height: 800 });
      await page.goto(`${origin}/#/tiers?tier=crashloop`);
      await page.locator('.detail').waitFor();
      const scroller = (await page.locator('.table-scroll').first().boundingBox())!;
      for (const button of await page.locator('table.tiers .actions button').all()) {
        const box = (await button.boundingBox())!;
        expect(box.x + box.width, `${await button.textContent()} at ${width} px`).toBeLessThanOrEqual(scroller.x + scroller.width + 0.5);
      }
    }

    // Round every page (live data: metrics sampled, spans and lines arriving), ending on a tier's detail. Waited for
    // with locators: page.waitForSelector's ElementHandle, never disposed, keeps the page it found alive after the
    // next page replaces it (the tester's growth of 2 000 nodes a round was that: docs/decisions.md).
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const round = async () => {
      for (const [hash, shown] of [
        ['#/tiers', 'tr[data-tier="air"]'],
        ['#/logs', '.log-row'],
        ['#/traces', 'tr[data-span]'],
        ['#/traces?tier=air', 'text=Other traces'],
        ['#/metrics', '.chart canvas'],
        ['#/metrics?tier=air', '.chart canvas'],
        ['#/telemetry', '.pipes'],
        ['#/tiers?tier=crashloop', '.detail'],
      ] as const) {
        await page.goto(`${origin}/${hash}`);
        await page.locator(shown).first().waitFor();
        await page.waitForTimeout(300);
      }
    };
    await round();
    const first = await counts(cdp);
    const seen = [first];
    for (let i = 0; i < 6; i++) {
      await round();
      seen.push(await counts(cdp));
    }
    const last = seen.at(-1)!;
    expect(last.nodes, JSON.stringify(seen)).toBeLessThan(first.nodes * 1.3 + 200);
    expect(last.listeners, JSON.stringify(seen)).toBeLessThan(first.listeners * 1.3 + 20);
    expect(pageErrors).toEqual([]);
  }, 300_000);
});
