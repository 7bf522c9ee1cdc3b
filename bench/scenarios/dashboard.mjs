// Scenario 8, the dashboard: with N tiers (64) that wrote 100 000 lines, how long Chromium (Debian's, through
// playwright-core: scripts/chromium.mjs) takes from the login URL to a useful page — every tier row drawn; then a
// fresh load of the Logs page with its newest line in view and the total count shown, and until every older line is
// loaded (the page loads the history in pages behind the newest) —, and what serving the page costs land in CPU:
// over an idle window and while 4 tiers write 2 500 lines/s each, with a page open on the Logs page (following)
// against the same land with its dashboard listening and no page open. The children hold their lines until every one
// is up and land serves the dashboard (bench/child.mjs's go-file): a 64-tier boot on a busy machine takes seconds,
// and lines written before the dashboard's log ring starts are not all in it (it starts from the supervisor's recent
// lines per tier).
// Runs at a tiny size too: `node bench/run.mjs --only dashboard --sizes 4 --lines 2000 --rounds 1 --quick`.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** land up with n tiers in `mode`; rate children hold their lines until `go` (a file) exists. */
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

/** What land's log ring holds now: how many lines, and the newest one's number. */
async function held(app) {
  const page = JSON.parse((await get(`${app.origin}/api/logs?limit=1`, { cookie: app.cookie })).body);
  return { count: page.next - page.oldest, newest: page.next - 1 };
}

/** The Logs page shows line `seq` in its list's view, and its count is `count`; with `complete`, all of it is loaded. */
function logsShow(page, { count, newest }, complete, timeout) {
  return page.waitForFunction(
    ([count, seq, complete]) => {
      const status = document.querySelector('[data-testid="log-count"]');
      const row = document.querySelector(`.log-row[data-seq="${seq}"]`)?.getBoundingClientRect();
      const box = document.querySelector('.virtual')?.getBoundingClientRect();
      const inView = Boolean(row && box && row.top >= box.top && row.bottom <= box.bottom + 1);
      return Number(status?.getAttribute('data-count')) === count && inView && (!complete || status?.getAttribute('data-complete') === 'true');
    },
    [count, newest, complete],
    { timeout, polling: 'raf' },
  );
}

/**
 * First useful render, as a person would call it. Tiers: the login URL → every tier row drawn. Logs: a fresh load of
 * the Logs page → the newest line in view with the total count known (then, separately, every older line loaded and
 * searchable).
 */
async function firstRender(page, url, n, app) {
  const started = performance.now();
  await page.goto(url);
  await page.waitForFunction((count) => document.querySelectorAll('tr[data-tier]').length === count, n, { timeout: 120_000, polling: 'raf' });
  const tiersMs = performance.now() - started;
  await page.goto('about:blank');
  const ring = await held(app);
  const logsStarted = performance.now();
  await page.goto(`${app.origin}/#/logs`);
  await logsShow(page, ring, false, 120_000);
  const logsMs = performance.now() - logsStarted;
  await logsShow(page, ring, true, 120_000);
  return { tiersMs, logsMs, historyMs: performance.now() - logsStarted, lines: ring.count };
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
      `land up --no-tui with ${n} tiers that wrote ${lines} lines: Chromium from the login URL to every tier row, then a fresh load of the Logs page to its newest line in view with the total count shown, and to every line loaded; ` +
      `land's CPU over ${idleMs / 1000} s idle and over ${floodMs / 1000} s while ${FLOODING} tiers write ${RATE} lines/s each, with a page open on Logs against no page open.`,
  });
  result.labels = { page: 'land, a page open', none: 'land, no page open' };
  const tiersRender = addMetric(result, 'first_render_tiers', `First render: login URL → ${n} tier rows`, 'ms', { ratios: false });
  const logsRender = addMetric(result, 'first_render_logs', `First render: Logs page → newest of ${lines} lines in view, count known`, 'ms', { ratios: false });
  const logsHistory = addMetric(result, 'logs_history', `Logs page → all ${lines} lines loaded (searchable)`, 'ms', { ratios: false });
  const idle = addMetric(result, 'cpu_idle', `land CPU, idle ${n}-tier stack`, '%');
  const flood = addMetric(result, 'cpu_flood', `land CPU, ${FLOODING} of ${n} tiers at ${RATE} lines/s`, '%');
  const browser = await launchChromium();
  const page = await browser.context.newPage();
  const goDir = mkdtempSync(join(tmpdir(), 'land-bench-dashboard-'));
  let runs = 0;
  // The children write only once land serves the dashboard (its log ring follows from then on) and all are up.
  const start = async (variant, up) => {
    const app = variant === 'page' ? await openApp(up.url) : undefined;
    await ctx.hub.waitFor(up.token, n, 120_000);
    writeFileSync(up.go, '');
    return app;
  };
  try {
    await interleave(ctx, result, ['page', 'none'], ctx.quick ? 1 : Math.min(ctx.rounds, 3), async (variant) => {
      // Fill: every tier writes its share of `lines` in fillMs.
      const perChild = Math.ceil(lines / n / (fillMs / 1000));
      let go = join(goDir, `go-${++runs}`);
      let up = { ...(await launchLand(ctx, n, 'rate', [perChild, fillMs, n, go])), go };
      try {
        const app = await start(variant, up);
        await sleep(fillMs + 1_500);
        if (app) {
          const shown = await firstRender(page, up.url, n, app);
          if (shown.lines < lines) result.notes.push(`the log ring held ${shown.lines} of ${lines} lines`);
          tiersRender.record(variant, shown.tiersMs);
          logsRender.record(variant, shown.logsMs);
          logsHistory.record(variant, shown.historyMs);
        }
        idle.record(variant, await cpuPercent(up.run.pid, idleMs));
      } finally {
        await page.goto('about:blank');
        await finish(up.run, fixturePids(ctx.hub.seen(up.token)), { fast: true });
        ctx.hub.forget(up.token);
      }
      go = join(goDir, `go-${++runs}`);
      up = { ...(await launchLand(ctx, n, 'rate', [RATE, 1_500 + floodMs + 2_000, FLOODING, go])), go };
      try {
        const app = await start(variant, up);
        if (app) {
          await page.goto(up.url);
          await page.goto(`${app.origin}/#/logs`);
        }
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
    rmSync(goDir, { recursive: true, force: true });
  }
  return result;
}
