// Scenario 8, the OTLP receiver: (1) spans per second land's receiver ingests from several senders while a stack
// runs (surveyed, attributed, counted, kept and written to disk; converted into records when read), against a bare node:http server that reads and discards
// the same bodies (the floor); (2) what the receiver adds to land's boot and RSS: the same boot with the receiver on
// (the default) and off (`receiver: { enabled: false }`).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ownRss } from '../lib/own.mjs';
import { addMetric, interleave, newResult } from '../lib/scenario.mjs';
import { boot, finish } from '../lib/session.mjs';

const HERE = fileURLToPath(new URL('../receiver/', import.meta.url));
const MB = 1024 * 1024;
const SENDERS = 4;
const BATCH = 100;

/** The first line a child prints. */
async function firstLine(child) {
  const lines = createInterface({ input: child.stdout });
  const [line] = await once(lines, 'line');
  lines.close();
  return line;
}

/** A second of the same traffic first, unmeasured: land's codec loads on the first request and its JIT warms up. */
const WARM_UP_MS = 1000;

/** SENDERS senders against `url` for `ms`: spans the target answered 200 for, per second. */
export async function ingest(url, ms, { warm = true } = {}) {
  if (warm) await ingest(url, WARM_UP_MS, { warm: false });
  const senders = Array.from({ length: SENDERS }, (_, i) =>
    spawn(process.execPath, [join(HERE, 'sender.mjs'), url, String(BATCH), String(ms), `s${i}`], { stdio: ['ignore', 'pipe', 'inherit'] }),
  );
  const answers = await Promise.all(senders.map(async (child) => JSON.parse(await firstLine(child))));
  await Promise.all(senders.map((child) => (child.exitCode === null ? once(child, 'exit') : undefined)));
  const spans = answers.reduce((sum, answer) => sum + answer.spans, 0);
  const failed = answers.reduce((sum, answer) => sum + answer.failed, 0);
  if (spans === 0) throw new Error(`no request was accepted (${failed} failed)`);
  return spans / (ms / 1000);
}

/** land's receiver endpoint, from its status on the control socket. */
export async function receiverEndpoint(dir) {
  const body = await new Promise((resolve, reject) => {
    const req = request({ socketPath: join(dir, '.land', 'run', 'land.sock'), path: '/status' }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk) => (text += chunk)).on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end();
  });
  const endpoint = JSON.parse(body).receiver?.endpoint;
  if (!endpoint) throw new Error('land reports no receiver');
  return endpoint;
}

/** Spans per second the floor (node:http, read and discard) ingests in `ms`. */
export async function floorIngest(ms) {
  const floor = spawn(process.execPath, [join(HERE, 'floor.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    return await ingest(`http://127.0.0.1:${await firstLine(floor)}`, ms);
  } finally {
    floor.kill('SIGTERM');
    if (floor.exitCode === null) await once(floor, 'exit');
  }
}

/** Limits far above what the run sends: every span is kept and written. */
export const INGEST_CONFIG = { receiver: { limits: { spans: 100_000_000 } } };

/** land (2 idle children, its receiver on) ingesting for `ms`: { spansPerS, rssBytes: land's RSS after }. */
export async function landIngest(hub, ms, options = {}) {
  const up = await boot(hub, 'land', 2, { options: { ...options, config: INGEST_CONFIG } });
  try {
    const spansPerS = await ingest(await receiverEndpoint(up.run.dir), ms);
    return { spansPerS, rssBytes: ownRss(up.run).bytes };
  } finally {
    await finish(up.run, up.pids, { fast: true });
  }
}

export async function run(ctx) {
  const ms = ctx.quick ? 2000 : 8000;
  const result = newResult('receiver', 'OTLP receiver', {
    base: 'floor',
    describe:
      `${SENDERS} senders post OTLP/protobuf requests of ${BATCH} spans (made by the OpenTelemetry SDK) back to back for ${ms / 1000} s, after 1 s of the same unmeasured: ` +
      "to land's receiver in a running stack (surveyed, attributed, counted, kept and written to disk as they came; converted into records when read), and to a bare node:http server that " +
      'reads and discards them (the floor). Then land booting 8 idle children with the receiver on and off: boot time and RSS.',
  });
  result.labels = { floor: 'node:http, read and discard', land: "land's receiver", on: 'land, receiver on', off: 'land, receiver off' };
  const rate = addMetric(result, 'spans_per_s', `spans ingested per second, ${SENDERS} senders`, 'spans/s', { better: 'higher' });
  const rssAfter = addMetric(result, 'rss_after_ingest', "land's RSS after the ingest", 'MB', { ratios: false });
  await interleave(ctx, result, ['floor', 'land'], ctx.rounds, async (id) => {
    if (id === 'floor') rate.record('floor', await floorIngest(ms));
    else {
      const land = await landIngest(ctx.hub, ms);
      rate.record('land', land.spansPerS);
      rssAfter.record('land', land.rssBytes / MB);
    }
  });

  const n = 8;
  const ready = addMetric(result, `boot_${n}`, `boot, ${n} children`, 'ms', { base: 'off' });
  const rss = addMetric(result, `idle_rss_${n}`, `RSS 1 s after ready, ${n} idle children`, 'MB', { base: 'off' });
  const variants = { on: {}, off: { receiver: { enabled: false } } };
  await interleave(ctx, result, Object.keys(variants), ctx.roundsFor(n), async (variant) => {
    const up = await boot(ctx.hub, 'land', n, { options: { config: variants[variant] } });
    try {
      ready.record(variant, up.readyMs);
      const until = performance.now() + 1000;
      let peak = 0;
      while (performance.now() < until) {
        peak = Math.max(peak, ownRss(up.run).bytes);
        await sleep(50);
      }
      rss.record(variant, peak / MB);
    } finally {
      await finish(up.run, up.pids, { fast: true });
    }
  });
  return result;
}
