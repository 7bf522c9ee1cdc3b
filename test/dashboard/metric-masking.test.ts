/// <reference lib="dom" />
/**
 * A metric's attributes are masked on the dashboard as a span's are (config/masked-values.ts): a real `land up`, a
 * gauge posted over OTLP/JSON with two series, one tagged `api_key=sk_live_…`, the other `password=…` and a URL with a
 * password; `/api/metrics` answers neither secret (in a series' `name` nor its `labels`), a plain attribute as sent,
 * and the Metrics page's grouped chart draws its legend from the masked labels in a real Chromium.
 */
import { describe, expect, it } from 'vitest';
import { landDone } from '../helpers/land.js';
import { SECRET_MASK, type MetricSeriesView } from '../../src/dashboard/wire.js';
import { browserSession, call, dashboardProject, login, upWithDashboard } from './helpers.js';

const { runs, openPage } = browserSession();
const SECRETS = /sk_live_METRICSECRET|hunter2|url-pw-55/;

const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
/** One gauge of the air tier with two series (two sets of attributes), in OTLP/JSON, stamped now. */
const gauge = (atMs: number) =>
  JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: [attr('service.name', 'dash-air'), attr('land.tier', 'air')] },
        scopeMetrics: [
          {
            scope: { name: 'test' },
            metrics: [
              {
                name: 'g',
                gauge: {
                  dataPoints: [
                    { timeUnixNano: `${atMs}000000`, asInt: '3', attributes: [attr('api_key', 'sk_live_METRICSECRET'), attr('route', '/a')] },
                    { timeUnixNano: `${atMs}000000`, asInt: '5', attributes: [attr('password', 'hunter2'), attr('db', 'postgres://app:url-pw-55@db/x')] },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  });

describe("a child's metric attributes on the dashboard", () => {
  it('are masked in /api/metrics and in the chart legend', async () => {
    const dir = dashboardProject();
    const { run, url, port } = await upWithDashboard(dir);
    runs.push(run);
    await run.waitFor(/worker: .*→ ready/, 30_000);
    const status = JSON.parse((await landDone(['status', '--json'], dir)).stdout) as { receiver: { endpoint: string } };
    const sent = await fetch(`${status.receiver.endpoint}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: gauge(Date.now()) });
    expect(sent.status).toBe(200);

    const cookie = await login(port, url);
    const answer = await call(port, '/api/metrics', { headers: { cookie } });
    expect(answer.status).toBe(200);
    expect(answer.body).not.toMatch(SECRETS);
    const { series } = JSON.parse(answer.body) as { series: MetricSeriesView[] };
    const shown = series.filter((one) => one.tier === 'air' && one.metric === 'g').map((one) => [one.name, one.labels]);
    expect(shown).toEqual(
      expect.arrayContaining([
        [`g {api_key=${SECRET_MASK}, route=/a}`, `api_key=${SECRET_MASK}, route=/a`],
        [expect.stringMatching(/^g \{password=•+ \(masked\), db=postgres:\/\/app:.+@db\/x\}$/), expect.stringMatching(/^password=.+, db=/)],
      ]),
    );
    expect(shown).toHaveLength(2);
    // Neither `land status --json` lists a secret.
    expect(JSON.stringify(status)).not.toMatch(SECRETS);

    const { page, pageErrors } = await openPage();
    await page.goto(url);
    await page.goto(`${new URL(url).origin}/#/metrics?tier=air`);
    const chart = page.locator('section.metric-tier [role="img"][aria-label^="air g:"]');
    await chart.waitFor();
    await page.getByText('route=/a', { exact: false }).first().waitFor();
    const text = await page.locator('body').innerText();
    expect(text).toContain(`api_key=${SECRET_MASK}, route=/a`);
    expect(text).not.toMatch(SECRETS);
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
