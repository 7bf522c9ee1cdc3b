// gRPC vs HTTP/protobuf ingest on the same spans: one receiver (this checkout's build, in a child process), one
// ExportTraceServiceRequest of <batch> spans made by the official SDK's serializer, sent <requests> times back to back
// over one HTTP/1.1 keep-alive connection, then over one HTTP/2 connection as gRPC unary calls; the order alternates
// each round. Prints the median milliseconds per request of each, and what the receiver kept and dropped.
// usage: node bench/grpc-ingest.mjs [--batch 50] [--requests 100] [--rounds 6]   (after npm run build)
import { fork } from 'node:child_process';
import { Agent, request } from 'node:http';
import { connect } from 'node:http2';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

const arg = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const batch = arg('batch', 50);
const requests = arg('requests', 100);
const rounds = arg('rounds', 6);

if (process.argv[2] === '--serve') {
  const { startReceiver } = await import('../dist/src/receiver/receiver.js');
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const r = await startReceiver({ port: 0, bootId: 'bench', bootDir: mkdtempSync(join(tmpdir(), 'land-grpc-bench-')), identity: { app: 'bench', tiers: ['api'] } });
  process.send({ port: r.port });
  process.on('message', () => process.send({ status: r.status() }));
} else {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'bench-api', 'land.tier': 'api' }), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('bench');
  for (let i = 0; i < batch; i++) tracer.startSpan(`op ${i % 10}`, { attributes: { 'http.route': '/items/:id', 'item.id': i } }).end();
  const spans = exporter.getFinishedSpans();
  const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans));
  // New span ids in every request, as an exporter's (a span sent again takes the slower converting path).
  const idAt = spans.map((span) => body.indexOf(Buffer.from(span.spanContext().spanId, 'hex')));
  let sent = 0;
  const renumber = () => {
    sent += 1;
    for (const at of idAt) body.writeUInt32BE(sent, at);
  };

  const server = fork(new URL(import.meta.url).pathname, ['--serve']);
  const { port } = await new Promise((resolve) => server.once('message', resolve));
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const http = () =>
    new Promise((resolve, reject) => {
      renumber();
      const req = request({ host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end(body);
    });
  const session = connect(`http://127.0.0.1:${port}`);
  const grpc = () =>
    new Promise((resolve, reject) => {
      renumber();
      const prefix = Buffer.alloc(5);
      prefix.writeUInt32BE(body.length, 1);
      const req = session.request({ ':method': 'POST', ':path': '/opentelemetry.proto.collector.trace.v1.TraceService/Export', 'content-type': 'application/grpc', te: 'trailers' });
      let status;
      req.on('response', (headers) => (status = headers['grpc-status']));
      req.on('trailers', (trailers) => (status = trailers['grpc-status']));
      req.on('error', reject);
      req.resume();
      req.on('close', () => (status === '0' ? resolve() : reject(new Error(`grpc-status ${status}`))));
      req.end(Buffer.concat([prefix, body]));
    });
  const times = { http: [], grpc: [] };
  const arms = { http, grpc };
  for (let round = 0; round < rounds; round++) {
    for (const name of round % 2 === 0 ? ['http', 'grpc'] : ['grpc', 'http']) {
      const t0 = performance.now();
      for (let i = 0; i < requests; i++) await arms[name]();
      times[name].push((performance.now() - t0) / requests);
    }
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  server.send('status');
  const { status } = await new Promise((resolve) => server.once('message', resolve));
  session.close();
  agent.destroy();
  server.kill();
  console.log(JSON.stringify({ batch, requests, rounds, msPerRequest: { http: +median(times.http).toFixed(3), grpc: +median(times.grpc).toFixed(3) }, rounds_ms: times, kept: status.tiers.api, requests_counted: status.requests }));
}
