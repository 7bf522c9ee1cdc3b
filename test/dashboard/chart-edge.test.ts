/// <reference lib="dom" />
/**
 * A Metrics chart's last time label, in a real Chromium against a real `land up`: uPlot centres each label on its
 * tick, so a tick at the right end of the time range drew its label half past the chart (`20:5`, `20:5(`). The labels
 * are drawn on a canvas: the test reads the drawn pixels of the time axis, the label's real box, and finds it whole
 * inside the chart's visible box, also after the page narrows under it.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { landDone } from '../helpers/land.js';
import { browserSession, dashboardProject, upWithDashboard } from './helpers.js';

const { runs, openPage } = browserSession();

/** Gauge points for the air tier, in OTLP/JSON, at the times given. */
const points = (times: number[]) =>
  JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'dash-air' } }, { key: 'land.tier', value: { stringValue: 'air' } }] },
        scopeMetrics: [
          {
            scope: { name: 'test' },
            metrics: [{ name: 'queue.depth', gauge: { dataPoints: times.map((ms, i) => ({ timeUnixNano: `${ms}000000`, asInt: String(i + 1) })) } }],
          },
        ],
      },
    ],
  });

/**
 * The drawn time axis of the chart: the right edge of its rightmost inked pixel, and the chart's visible right edge
 * (the figure clips what overflows it), both in CSS pixels; and how far the ink is from the canvas's own right edge.
 */
function labelEdge(page: Page, title: string) {
  return page.evaluate((metric) => {
    const figure = document.querySelector<HTMLElement>(`figure[data-metric="${metric}"]`)!;
    const canvas = figure.querySelector('canvas')!;
    const ratio = canvas.width / canvas.getBoundingClientRect().width;
    // The time axis is the canvas's bottom band (uPlot's axis size, 50 px), under the plot.
    const band = Math.round(40 * ratio);
    const { data } = canvas.getContext('2d')!.getImageData(0, canvas.height - band, canvas.width, band);
    let right = -1;
    for (let y = 0; y < band; y++) for (let x = canvas.width - 1; x > right; x--) if (data[(y * canvas.width + x) * 4 + 3]! > 0) right = x;
    const box = canvas.getBoundingClientRect();
    const clip = figure.getBoundingClientRect().right - Number.parseFloat(getComputedStyle(figure).borderRightWidth);
    return { inkRight: box.left + (right + 1) / ratio, clipRight: clip, marginInCanvas: (canvas.width - 1 - right) / ratio, labels: figure.querySelector<HTMLElement>('[role="img"]')!.dataset.timeAxis };
  }, title);
}

describe('a metric chart\'s time axis at its right edge', () => {
  it('draws the last label whole inside the chart, a tick at the very end of the range, also once the page narrows', async () => {
    const dir = dashboardProject();
    const { run, url } = await upWithDashboard(dir);
    runs.push(run);
    await run.waitFor(/worker: .*→ ready/, 30_000);
    const status = JSON.parse((await landDone(['status', '--json'], dir)).stdout) as { receiver: { endpoint: string } };
    // The last point on a whole five minutes: the range (4 minutes) ends on a tick whether uPlot steps by one minute
    // or by five, its label centred on the chart's right end.
    const last = Math.floor(Date.now() / 300_000) * 300_000;
    const times = Array.from({ length: 9 }, (_, i) => last - (8 - i) * 30_000);
    const sent = await fetch(`${status.receiver.endpoint}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: points(times) });
    expect(sent.status).toBe(200);

    const { page, pageErrors } = await openPage();
    await page.setViewportSize({ width: 760, height: 800 });
    await page.goto(url);
    await page.goto(`${new URL(url).origin}/#/metrics?tier=air`);
    await page.locator('[role="img"][aria-label^="air queue.depth: 9 values"]').waitFor({ timeout: 30_000 });
    const lastLabel = new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(last);
    // Made at 760 px (one wide column), then narrowed to two columns, as a scroll bar or a wider window does.
    for (const width of [760, 1000, 985]) {
      await page.setViewportSize({ width, height: 800 });
      await page.waitForFunction(
        () => {
          const figure = document.querySelector('figure[data-metric="queue.depth"]');
          const canvas = figure?.querySelector('canvas');
          return !!canvas && canvas.getBoundingClientRect().right <= figure!.getBoundingClientRect().right;
        },
        undefined,
        { timeout: 10_000 },
      ).catch(() => undefined); // asserted below, with the figures
      const edge = await labelEdge(page, 'queue.depth');
      expect(edge.labels?.split(' ').at(-1), `at ${width} px: ${edge.labels}`).toBe(lastLabel);
      // Whole: ink stops short of the canvas's end (a label cut by it inks its last column) and of the clip.
      expect(edge.marginInCanvas, `at ${width} px`).toBeGreaterThanOrEqual(1);
      expect(edge.inkRight, `at ${width} px`).toBeLessThanOrEqual(edge.clipRight);
    }
    expect(pageErrors).toEqual([]);
    expect((await run.stop()).code).toBe(0);
  }, 120_000);
});
