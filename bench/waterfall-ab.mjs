// The Traces page's waterfall of a 10 000-span trace in Chromium, this build against another, interleaved:
//   node bench/waterfall-ab.mjs --other <dir of another land build> [--this <dir>] [--rounds 5] [--spans 10000]
// Each build runs one `land up --no-tui` whose child sends one trace of `--spans` spans over OTLP/JSON
// (test/fixtures/otlp-big-trace-child.mjs). Each round opens a fresh page per build, in a rotating order, at the
// trace's address, and measures in the page (performance.now(), from the navigation's start): the first waterfall
// row in the document and the frame after it (first paint of the trace); the rows in the document; folding the
// root's subtree away and back (click to the frame after the change). Prints medians and ratios, and the load.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { abBuilds, loadLine, rotated } from './lib/ab-builds.mjs';
import { ratio, round, summarize } from './lib/stats.mjs';
import { launchChromium } from '../scripts/chromium.mjs';

const { option, thisBin, otherBin } = abBuilds(
  process.argv.slice(2),
  'node bench/waterfall-ab.mjs --other <dir with bin/land.js and dist/> [--this <dir>] [--rounds 5] [--spans 10000]',
);
const rounds = Number(option('--rounds', '5'));
const spans = Number(option('--spans', '10000'));
const CHILD = resolve(import.meta.dirname, '..', 'test', 'fixtures', 'otlp-big-trace-child.mjs');

/** One land up of `bin` with the big-trace child: its login URL, the trace id, and how to stop it. */
async function stack(bin) {
  const dir = mkdtempSync(join(tmpdir(), 'land-waterfall-'));
  writeFileSync(join(dir, 'land.config.mjs'), `export default ${JSON.stringify({ app: 'big', tiers: { big: { command: ['node', CHILD, String(spans)], ready: { log: 'big trace sent' } } } })};\n`);
  const land = spawn(process.execPath, [bin, 'up', '--no-tui'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TRACEPARENT: '' } });
  let output = '';
  const found = await new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`no trace in 120 s: ${output.slice(-2000)}`)), 120_000);
    const look = (chunk) => {
      output += chunk;
      const url = output.match(/dashboard on (http:\/\/127\.0\.0\.1:\d+\/login\?token=\S+)/)?.[1];
      const trace = output.match(/big trace sent ([0-9a-f]{32})/)?.[1];
      if (url && trace) {
        clearTimeout(timer);
        done({ url, trace });
      }
    };
    land.stdout.on('data', look);
    land.stderr.on('data', look);
    land.on('exit', (code) => fail(new Error(`land exited ${code}: ${output.slice(-2000)}`)));
  });
  const stop = async () => {
    land.kill('SIGINT');
    await new Promise((done) => (land.exitCode !== null ? done() : land.on('exit', done)));
    rmSync(dir, { recursive: true, force: true });
  };
  return { ...found, stop };
}

// In the page before its own script: the time of the frame after the first waterfall row appeared.
const WATCH = `(() => {
  const look = () => {
    if (document.querySelector('table.waterfall tbody tr[data-span]')) {
      window.__rowAt = performance.now();
      requestAnimationFrame(() => (window.__paintAt = performance.now()));
    } else requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})();`;

async function measure(browser, { url, trace }) {
  const page = await browser.context.newPage();
  page.setDefaultTimeout(180_000);
  await page.addInitScript(WATCH);
  await page.goto(url); // the login, then the page
  const started = Date.now();
  await page.goto(`${new URL(url).origin}/#/traces?trace=${trace}`);
  await page.reload();
  await page.waitForFunction(() => window.__paintAt !== undefined, undefined, { timeout: 180_000 });
  const { paintAt, rowsInDom } = await page.evaluate(() => ({ paintAt: window.__paintAt, rowsInDom: document.querySelectorAll('table.waterfall tbody tr[data-span]').length }));
  // Fold the root away and back: the click to the frame after the change, each way.
  const fold = (name) =>
    page.evaluate(async (label) => {
      const button = [...document.querySelectorAll('table.waterfall .fold')].find((b) => b.getAttribute('aria-label').startsWith(label));
      const before = performance.now();
      button.click();
      await new Promise((done) => {
        const wait = () => (document.querySelector(`table.waterfall .fold[aria-label^="${label === 'Collapse big root' ? 'Expand' : 'Collapse'} big root"]`) ? requestAnimationFrame(() => done()) : requestAnimationFrame(wait));
        wait();
      });
      return performance.now() - before;
    }, name);
  const collapse = await fold('Collapse big root');
  const expand = await fold('Expand big root');
  await page.close();
  if (Date.now() - started > 170_000) throw new Error('a page took too long');
  return { paintAt, rowsInDom, collapse, expand };
}

const before = loadavg();
const builds = { this: thisBin, other: otherBin };
const stacks = {};
for (const [name, bin] of Object.entries(builds)) stacks[name] = await stack(bin);
const browser = await launchChromium();
const results = { this: [], other: [] };
try {
  for (let r = 1; r <= rounds; r++) {
    for (const name of rotated(Object.keys(builds), r)) {
      const result = await measure(browser, stacks[name]);
      results[name].push(result);
      process.stderr.write(`round ${r} ${name}: ${JSON.stringify(result)}\n`);
    }
  }
} finally {
  await browser.close();
  for (const s of Object.values(stacks)) await s.stop();
}
const line = (key) => {
  const [a, b] = [summarize(results.this.map((x) => x[key])), summarize(results.other.map((x) => x[key]))];
  return `${key}: this ${round(a.median, 1)} (${round(a.min, 1)}–${round(a.max, 1)}) · other ${round(b.median, 1)} (${round(b.min, 1)}–${round(b.max, 1)}) · ratio ${round(ratio(a.median, b.median), 3)}`;
};
process.stdout.write(`${spans} spans, ${rounds} rounds (medians, ms; min–max)\n`);
for (const key of ['paintAt', 'rowsInDom', 'collapse', 'expand']) process.stdout.write(`${line(key)}\n`);
process.stdout.write(loadLine(before));
