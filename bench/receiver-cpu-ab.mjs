// The receiver's CPU per request, this build against others and the floor's handler, on a loaded machine:
//   node bench/receiver-cpu-ab.mjs --other <dir>[,<dir>…] [--this <dir>] [--rounds 5] [--requests 10000] [--floor]
// Each variant runs in a process of its own: the receiver of a build (startReceiver from its dist/src, the tsc
// output: no supervisor, default V8 flags) or the floor's node:http handler, and 4 raw keep-alive sockets posting
// the receiver scenario's body (100 SDK spans) back to back. It prints that process's CPU (user + system) per
// request: the clients' share is the same for every variant, so differences are the receiver's. Unlike spans per
// second (bench/receiver-ab.mjs), CPU per request barely moves with the machine's load, so this tells changes of a
// few per cent apart when the machine is shared; receiver-ab.mjs says what they are worth in the scenario itself.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadLine, rotated } from './lib/ab-builds.mjs';
import { ROOT } from './lib/paths.mjs';
import { readAndDiscard } from './receiver/discard.mjs';

const SELF = fileURLToPath(import.meta.url);
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);

/**
 * One request body per sender, as the scenario's sender makes it (bench/receiver/sender.mjs), with where each span
 * id sits in it: every request's spans are new ones, as there (a span sent again takes the receiver's converting path).
 */
async function bodies() {
  const { ProtobufTraceSerializer } = await import('@opentelemetry/otlp-transformer');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  return Array.from({ length: 4 }, (_, s) => {
    const exporter = new InMemorySpanExporter();
    const resource = resourceFromAttributes({ 'service.name': `bench-s${s}`, 'land.tier': `s${s}` });
    const tracer = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('bench');
    for (let i = 0; i < 100; i++) tracer.startSpan(`op ${i % 10}`, { attributes: { 'http.route': '/items/:id', 'item.id': i } }).end();
    const spans = exporter.getFinishedSpans();
    const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans));
    return { body, idAt: spans.map((span) => body.indexOf(Buffer.from(span.spanContext().spanId, 'hex'))) };
  });
}

/** The variant's server on a free port: { port, close }. */
async function serve(variant) {
  if (variant === 'floor') {
    const server = createServer(readAndDiscard);
    await new Promise((done) => server.listen(0, '127.0.0.1', done));
    return { port: server.address().port, close: () => new Promise((done) => (server.closeAllConnections(), server.close(done))) };
  }
  const { startReceiver } = await import(join(variant, 'dist', 'src', 'receiver', 'receiver.js'));
  const { storeLimits } = await import(join(variant, 'dist', 'src', 'receiver', 'store', 'boot-store.js'));
  const dir = mkdtempSync(join(tmpdir(), 'land-receiver-cpu-'));
  const limits = storeLimits({ spans: 100_000_000, logRecords: 1000, metricPoints: 1000 });
  const receiver = await startReceiver({ port: 0, bootId: 'bench', bootDir: dir, identity: { app: 'bench', tiers: ['s0', 's1', 's2', 's3'] }, limits });
  // A write of the record file may still be in flight after close (it flushes what waits, not what is on its way).
  return { port: receiver.port, close: async () => (await receiver.close(), rmSync(dir, { recursive: true, force: true, maxRetries: 10 })) };
}

/**
 * `n` requests over 4 keep-alive sockets, one in flight on each; resolves with how many were answered 200. Each
 * request's span ids start with its number (written in place: the one before it was answered, so written whole).
 */
let numbered = 0;
function post(port, requests, n) {
  let sent = 0;
  let answered = 0;
  return Promise.all(
    requests.map(
      ({ request, idAt }) =>
        new Promise((done, fail) => {
          const socket = connect(port, '127.0.0.1');
          let pending = '';
          const renumber = () => {
            numbered += 1;
            for (const at of idAt) request.writeUInt32BE(numbered, at);
          };
          const next = () => (sent < n ? (sent++, renumber(), socket.write(request)) : (socket.end(), done()));
          socket.on('connect', next).on('error', fail);
          socket.on('data', (data) => {
            pending += data.toString('latin1');
            for (let at = pending.indexOf('\r\n\r\n'); at >= 0; at = pending.indexOf('\r\n\r\n')) {
              if (!pending.startsWith('HTTP/1.1 200')) return fail(new Error(pending.split('\r\n')[0]));
              pending = pending.slice(at + 4);
              answered++;
              next();
            }
          });
        }),
    ),
  ).then(() => answered);
}

/** In the variant's own process: prints { usPerRequest }. */
async function child(variant, n) {
  const { port, close } = await serve(variant);
  const head = (body) => `POST /v1/traces HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-type: application/x-protobuf\r\ncontent-length: ${body.length}\r\n\r\n`;
  const requests = (await bodies()).map(({ body, idAt }) => {
    const start = Buffer.byteLength(head(body));
    return { request: Buffer.concat([Buffer.from(head(body)), body]), idAt: idAt.map((at) => start + at) };
  });
  await post(port, requests, Math.min(2000, n)); // warm: the codec loads, V8 optimizes
  const before = process.cpuUsage();
  const answered = await post(port, requests, n);
  const used = process.cpuUsage(before);
  await close();
  process.stdout.write(`${JSON.stringify({ usPerRequest: (used.user + used.system) / answered })}\n`);
  process.exit(0);
}

if (args[0] === '--child') await child(args[1], Number(args[2]));
else {
  const others = (option('--other') ?? '').split(',').filter(Boolean).map((dir) => resolve(dir));
  if (others.length === 0) {
    process.stderr.write('usage: node bench/receiver-cpu-ab.mjs --other <dir>[,<dir>…] [--this <dir>] [--rounds 5] [--requests 10000] [--floor]\n');
    process.exit(2);
  }
  const variants = [resolve(option('--this', ROOT)), ...others, ...(args.includes('--floor') ? ['floor'] : [])];
  const name = (variant, i) => (i === 0 ? 'this' : variant === 'floor' ? 'floor' : basename(variant));
  const values = variants.map(() => []);
  const before = loadavg();
  for (let round = 1; round <= Number(option('--rounds', '5')); round++) {
    const line = [];
    for (const [variant, i] of rotated(variants.map((v, i) => [v, i]), round)) {
      const out = execFileSync(process.execPath, [SELF, '--child', variant, option('--requests', '10000')], { encoding: 'utf8' });
      const { usPerRequest } = JSON.parse(out.trim().split('\n').pop());
      values[i].push(usPerRequest);
      line.push(`${name(variant, i)} ${usPerRequest.toFixed(0)}`);
    }
    process.stdout.write(`round ${round}: ${line.join(' · ')} µs/request\n`);
  }
  const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
  const medians = values.map(median);
  process.stdout.write(`medians: ${variants.map((v, i) => `${name(v, i)} ${medians[i].toFixed(0)}`).join(' · ')} µs/request\n`);
  for (let i = 1; i < variants.length; i++) process.stdout.write(`this ÷ ${name(variants[i], i)}: ${(medians[0] / medians[i]).toFixed(2)}× (CPU: lower is better)\n`);
  process.stdout.write(loadLine(before));
}
