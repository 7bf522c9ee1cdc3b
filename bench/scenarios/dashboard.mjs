// Scenario 8, the dashboard: with N tiers (64) that wrote 100 000 lines, how long Chromium (Debian's, through
// playwright-core: scripts/chromium.mjs) takes from the login URL to a useful page — every tier row drawn, then the
// Logs page showing all 100 000 lines —, and what serving the page costs land in CPU: over an idle window and while
// 4 tiers write 2 500 lines/s each, with a page open on the Logs page (following) against the same land with its
// dashboard listening and no page open.
// Runs at a tiny size too: `node bench/run.mjs --only dashboard --sizes 4 --lines 2000 --rounds 1 --quick`.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { launchChromium } from '../../scripts/chromium.mjs';
import { launch } from '../lib/contenders.mjs';
import { cpuPercent } from '../lib/procs.mjs';
import { addMetric, interleave, newResult } from '../lib/scenario.mjs';
import { finish, fixtureChildren, fixturePids } from '../lib/session.mjs';

const FLOODING = 4;
const RATE = 2_500;

function get(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function dashboardUrl(run, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = /dashboard on (http:\/\/\S+)/.exec(readFileSync(run.outputs[0], 'utf8'));
    if (match) return match[1];
    if (Date.now() > deadline) throw new Error('land printed no dashboard URL');
    await sleep(20);
  }
}

/** Logs in over plain HTTP and asks for the state once: the dashboard's pages load and its log ring starts. */
async function openApp(url) {
  const login = await get(url);
  const cookie = String([login.headers['set-cookie']].flat()[0]).split(';')[0];
  const origin = new URL(url).origin;
  await get(`${origin}/api/state`, { cookie });
  return { cookie, origin };
}

async function launchLand(ctx, n, mode, args) {
  const token = ctx.hub.token();
  const run = launch('land', fixtureChildren(ctx.hub, token, n, mode, ...args), { toFile: true });
  try {
    const url = await dashboardUrl(run);
    return { run, url, token };
  } catch (error) {
    await finish(run, []);
    throw error;
  }
}

/** Login URL → every tier row; then the Logs page → all `lines` lines counted and rows drawn. */
async function firstRender(page, url, n, lines) {
  const started = performance.now();
  await page.goto(url);
  await page.waitForFunction((count) => document.querySelectorAll('tr[data-tier]').length === count, n, { timeout: 120_000 });
  const tiersMs = performance.now() - started;
  const logsStarted = performance.now();
  await page.goto(`${new URL(url).origin}/#/logs`);
  await page.waitForFunction(
    (want) => Number(document.querySelector('[data-testid="log-count"]')?.textContent?.replace(/\D/g, '')) >= want && document.querySelector('.log-row') !== null,
    lines,
    { timeout: 120_000 },
  );
  return { tiersMs, logsMs: performance.now() - logsStarted };
}

export async function run(ctx) {
  const n = Math.max(...ctx.sizes);
  const lines = ctx.floodLines ?? 100_000;
  const idleMs = ctx.quick ? 6_000 : 30_000;
  const floodMs = ctx.quick ? 3_000 : 15_000;
  const fillMs = 8_000;
  const result = newResult('dashboard', 'Dashboard', {
    base: 'none',
    describe:
      `land up --no-tui with ${n} tiers that wrote ${lines} lines: Chromium from the login URL to every tier row, then to the Logs page with every line; ` +
      `land's CPU over ${idleMs / 1000} s idle and over ${floodMs / 1000} s while ${FLOODING} tiers write ${RATE} lines/s each, with a page open on Logs against no page open.`,
  });
  result.labels = { page: 'land, a page open', none: 'land, no page open' };
  const tiersRender = addMetric(result, 'first_render_tiers', `First render: login URL → ${n} tier rows`, 'ms', { ratios: false });
  const logsRender = addMetric(result, 'first_render_logs', `First render: Logs page with ${lines} lines`, 'ms', { ratios: false });
  const idle = addMetric(result, 'cpu_idle', `land CPU, idle ${n}-tier stack`, '%');
  const flood = addMetric(result, 'cpu_flood', `land CPU, ${FLOODING} of ${n} tiers at ${RATE} lines/s`, '%');
  const browser = await launchChromium();
  const page = await browser.context.newPage();
  try {
    await interleave(ctx, result, ['page', 'none'], ctx.quick ? 1 : Math.min(ctx.rounds, 3), async (variant) => {
      // Fill: every tier writes its share of `lines` in fillMs, the dashboard's log ring following from the start.
      const perChild = Math.ceil(lines / n / (fillMs / 1000));
      let up = await launchLand(ctx, n, 'rate', [perChild, fillMs]);
      try {
        if (variant === 'page') await openApp(up.url);
        await ctx.hub.waitFor(up.token, n, 60_000);
        await sleep(fillMs + 1_500);
        if (variant === 'page') {
          const { tiersMs, logsMs } = await firstRender(page, up.url, n, lines);
          tiersRender.record(variant, tiersMs);
          logsRender.record(variant, logsMs);
        }
        idle.record(variant, await cpuPercent(up.run.pid, idleMs));
      } finally {
        await page.goto('about:blank');
        await finish(up.run, fixturePids(ctx.hub.seen(up.token)), { fast: true });
        ctx.hub.forget(up.token);
      }
      up = await launchLand(ctx, n, 'rate', [RATE, 1_500 + floodMs + 2_000, FLOODING]);
      try {
        if (variant === 'page') {
          await page.goto(up.url);
          await page.goto(`${new URL(up.url).origin}/#/logs`);
        }
        await ctx.hub.waitFor(up.token, n, 60_000);
        await sleep(1_500);
        flood.record(variant, await cpuPercent(up.run.pid, floodMs));
      } finally {
        await page.goto('about:blank');
        await finish(up.run, fixturePids(ctx.hub.seen(up.token)), { fast: true });
        ctx.hub.forget(up.token);
      }
    });
  } finally {
    await browser.close();
  }
  return result;
}
