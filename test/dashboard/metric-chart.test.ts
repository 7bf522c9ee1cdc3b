/// <reference lib="dom" />
/**
 * A Metrics chart with one value, in a real Chromium against a real `land up`: uPlot widens a single time point to a
 * whole day before it asks for the range, so only the chart as drawn tells whether the point got its minute (the time
 * axis reads clock times a minute apart, not `00:00 00:00 00:00`).
 */
import { describe, expect, it } from 'vitest';
import { landDone } from '../helpers/land.js';
import { browserSession, dashboardProject, upWithDashboard } from './helpers.js';

const { runs, openPage } = browserSession();

/** One gauge point for the air tier, in OTLP/JSON, stamped now. */
const onePoint = (atMs: number) =>
  JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'dash-air' } }, { key: 'land.tier', value: { stringValue: 'air' } }] },
        scopeMetrics: [{ scope: { name: 'test' }, metrics: [{ name: 'queue.depth', gauge: { dataPoints: [{ timeUnixNano: `${atMs}000000`, asInt: '7' }] } }] }],
      },
    ],
  });

describe('a metric chart with one value', () => {
  it('shows a minute around the point: clock-time labels that differ, the point inside them', async () => {
    const dir = dashboardProject();
    const { run, url } = await upWithDashboard(dir);
    runs.push(run);
    await run.waitFor(/worker: .*→ ready/, 30_000);
    const status = JSON.parse((await landDone(['status', '--json'], dir)).stdout) as { receiver: { endpoint: string } };
    const at = Date.now();
    const sent = await fetch(`${status.receiver.endpoint}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: onePoint(at) });
    expect(sent.status).toBe(200);

    const { page, pageErrors } = await openPage();
    await page.goto(url);
    await page.goto(`${new URL(url).origin}/#/metrics?tier=air`);
    const chart = page.locator('[role="img"][aria-label^="air queue.depth: 1 values"]');
    await chart.waitFor();
    await page.waitForFunction(() => document.querySelector<HTMLElement>('[role="img"][aria-label^="air queue.depth"]')?.dataset.timeAxis, undefined, { timeout: 30_000 });
    const labels = (await chart.getAttribute('data-time-axis'))!.split(' ');
    // A minute around the point: several ticks, seconds apart (HH:MM:SS), not one day's midnights.
    expect(labels.length).toBeGreaterThan(1);
    expect(new Set(labels).size).toBe(labels.length);
    for (const label of labels) expect(label).toMatch(/^\d\d:\d\d:\d\d$/);
    const seconds = (label: string) => label.split(':').reduce((sum, part) => sum * 60 + Number(part), 0);
    const local = new Date(at);
    const point = local.getHours() * 3600 + local.getMinutes() * 60 + local.getSeconds();
    expect(seconds(labels[0]!)).toBeLessThanOrEqual(point + 1);
    expect(seconds(labels.at(-1)!)).toBeGreaterThanOrEqual(point - 1);
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
