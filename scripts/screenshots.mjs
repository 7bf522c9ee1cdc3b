// The README's pictures of the dashboard (docs/screenshots/*.png), taken with the browser tests' tooling: a demo-like
// stack in a temp folder (land's own fixture children: traced sidecars, a chatty one, a one-shot, a crash-looping
// one, a gated-off one, one that sends OTLP log records and request traces), `land up --no-tui`, Debian's Chromium through playwright-core (scripts/chromium.mjs).
// Run after `npm run build`: `node scripts/screenshots.mjs`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { launchChromium } from './chromium.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'docs', 'screenshots');
const traced = join(root, 'test', 'fixtures', 'traced-child.mjs');
const chatty = join(root, 'test', 'fixtures', 'chatty-child.mjs');
const otlp = join(root, 'test', 'fixtures', 'otlp-json-child.mjs');

const config = {
  app: 'demo',
  tiers: {
    air: { command: ['node', traced], ready: { log: 'traced child air up' }, description: 'the daemon every other tier talks to' },
    cocoon: { command: ['node', chatty], dependsOn: { air: 'ready' }, ready: { log: 'chatty up' }, env: { COCOON_API_TOKEN: 'never-shown-123' } },
    wind: { command: ['node', '-e', "console.log('\\u001b[36mwind\\u001b[0m: assets built'); setTimeout(() => {}, 400)"], restart: { policy: 'never' } },
    sky: { command: ['node', traced], dependsOn: { wind: 'completed' }, ready: { log: 'traced child sky up' }, gate: 'Render' },
    rest: { command: ['node', traced], dependsOn: { air: 'ready' }, ready: { log: 'traced child rest up' } },
    grove: { command: ['node', '-e', "console.error('grove: cannot open the index'); setTimeout(() => process.exit(3), 300)"], restart: { maxRestarts: 3, backoff: { initialMs: 4000, maxMs: 8000 } } },
    sidecar: { command: ['node', traced], dependsOn: { rest: 'ready' }, ready: { log: 'traced child sidecar up' } },
    shop: { command: ['node', otlp, '8'], dependsOn: { air: 'ready' }, ready: { log: 'otlp posted' }, description: 'sends OTLP log records and request traces' },
  },
};

const dir = mkdtempSync(join(tmpdir(), 'land-screenshots-'));
mkdirSync(join(dir, 'profiles'));
writeFileSync(join(dir, 'profiles', 'debug.env'), 'Render=false\n');
writeFileSync(join(dir, '.env.Land.PostHog'), 'Capture=true\nRecord=1\n');
writeFileSync(join(dir, 'land.config.mjs'), `export default ${JSON.stringify(config, null, 2)};\n`);
mkdirSync(out, { recursive: true });

const land = spawn(process.execPath, [join(root, 'bin', 'land.js'), 'up', '--no-tui'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
let output = '';
land.stdout.setEncoding('utf8').on('data', (text) => (output += text));
land.stderr.setEncoding('utf8').on('data', (text) => (output += text));
const exited = new Promise((resolve) => land.once('close', resolve));

async function waitFor(pattern, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!pattern.test(output)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${output}`);
    await sleep(50);
  }
  return pattern.exec(output);
}

/** `http.server.duration` of the shop tier over OTLP/JSON: four routes, a point every 5 s for a minute. */
async function postHistogram(endpoint) {
  const attr = (key, value) => ({ key, value: { stringValue: value } });
  const now = Date.now();
  const dataPoints = [];
  for (const [n, scale] of [[1, 1], [2, 3], [3, 6], [4, 12]]) {
    for (let t = 12; t >= 0; t -= 1) {
      const counts = [40 - scale, 30, 10 + scale, 5 + (t % 4), 1];
      dataPoints.push({
        attributes: [attr('http.route', `/api/v1/customers/{customerId}/orders/${n}`), attr('http.request.method', 'GET')],
        timeUnixNano: `${BigInt(now - t * 5000) * 1_000_000n}`,
        count: String(counts.reduce((a, b) => a + b)),
        sum: 1000 * scale,
        bucketCounts: counts.map(String),
        explicitBounds: [5, 10, 25, 50],
      });
    }
  }
  const resource = { attributes: [attr('service.name', 'shop'), attr('land.tier', 'shop')] };
  const metric = { name: 'http.server.duration', unit: 'ms', description: 'time to answer a request', histogram: { aggregationTemporality: 2, dataPoints } };
  const body = JSON.stringify({ resourceMetrics: [{ resource, scopeMetrics: [{ scope: { name: 'screenshots' }, metrics: [metric] }] }] });
  const answer = await fetch(`${endpoint}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  if (!answer.ok) throw new Error(`metrics: ${answer.status}`);
}

const browser = await launchChromium({ viewport: { width: 1280, height: 760 } });
try {
  const url = (await waitFor(/dashboard on (http:\/\/\S+)/))[1];
  await waitFor(/sidecar: starting → ready/);
  const page = await browser.context.newPage();
  await page.goto(url);
  const origin = new URL(url).origin;
  const shoot = async (name, hash, ready, settleMs = 800) => {
    await page.goto(`${origin}/${hash}`);
    await page.waitForSelector(ready, { timeout: 20_000 });
    await sleep(settleMs);
    await page.screenshot({ path: join(out, `${name}.png`) });
    process.stdout.write(`docs/screenshots/${name}.png\n`);
  };
  await sleep(4000); // a few seconds of output and of CPU/memory samples
  await shoot('tiers', '#/tiers', 'tr[data-tier="sidecar"][data-state="ready"]');
  await shoot('tier-detail', '#/tiers?tier=cocoon', '.detail .env');
  await shoot('logs', '#/logs', '.log-row');
  await page.getByLabel('Search', { exact: true }).fill('needle');
  await sleep(500);
  await page.screenshot({ path: join(out, 'logs-search.png') });
  process.stdout.write('docs/screenshots/logs-search.png\n');
  const spans = await page.evaluate(async () => (await (await fetch('/api/spans')).json()).spans);
  const work = spans.find((span) => span.name === 'air.work');
  await shoot('traces', `#/traces${work ? `?span=${work.spanId}` : ''}`, 'tr[data-span="air.work"]');
  const records = await page.evaluate(async () => (await (await fetch('/api/log-records?tier=shop&q=checkout')).json()).records);
  await shoot('logs-detail', `#/logs?tier=shop&tier=cocoon&record=${records[0].id}`, '.log-detail table');
  // The list of a tier's traces sits below the boot's waterfall: scrolled to it.
  await page.goto(`${origin}/#/traces?tier=shop`);
  await page.waitForSelector('.trace-list tbody tr', { timeout: 20_000 });
  await page.evaluate(() => document.querySelector('main h2')?.scrollIntoView());
  await sleep(800);
  await page.screenshot({ path: join(out, 'trace-list.png') });
  process.stdout.write('docs/screenshots/trace-list.png\n');
  await shoot('metrics', '#/metrics', '.chart canvas', 1500);
  // A grouped histogram (a series per route, their P50 from the buckets, a legend by what tells them apart) posted as
  // the shop tier's, and its chart shot with one line hidden from its legend.
  const status = JSON.parse(spawnSync(process.execPath, [join(root, 'bin', 'land.js'), 'status', '--json'], { cwd: dir, encoding: 'utf8' }).stdout);
  await postHistogram(status.receiver.endpoint);
  await page.goto(`${origin}/#/metrics?tier=shop`);
  const group = page.locator('figure.chart[data-metric="http.server.duration"]');
  await group.locator('canvas').first().waitFor({ timeout: 20_000 });
  await group.locator('.u-legend .u-series th').nth(3).click();
  await group.scrollIntoViewIfNeeded();
  await sleep(800);
  await group.screenshot({ path: join(out, 'metrics-groups.png') });
  process.stdout.write('docs/screenshots/metrics-groups.png\n');
  await shoot('telemetry', '#/telemetry', '.pipes');
} finally {
  await browser.close();
  land.kill('SIGINT');
  await exited;
  rmSync(dir, { recursive: true, force: true });
}
