// A bench sender: one OTLP/protobuf ExportTraceServiceRequest of <batch> spans, made once by the official SDK and
// its protobuf serializer, posted to <url> back to back over one keep-alive connection for <ms> milliseconds.
// Prints one JSON line: { requests, spans, failed } (spans in requests answered 200).
// usage: node sender.mjs <url> <batch> <ms> <tier>
import { Agent, request } from 'node:http';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

const [url, batchText, msText, tier] = process.argv.slice(2);
const batch = Number(batchText);
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({
  resource: resourceFromAttributes({ 'service.name': `bench-${tier}`, 'land.tier': tier }),
  spanProcessors: [new SimpleSpanProcessor(exporter)],
});
const tracer = provider.getTracer('bench');
for (let i = 0; i < batch; i++) tracer.startSpan(`op ${i % 10}`, { attributes: { 'http.route': '/items/:id', 'item.id': i } }).end();
const spans = exporter.getFinishedSpans();
const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans));
// Each request's spans are new ones, as an exporter's are: the first 4 bytes of every span id carry the request's
// number (land keeps a span sent twice once, and a request repeating kept spans takes its slower converting path).
const idAt = spans.map((span) => body.indexOf(Buffer.from(span.spanContext().spanId, 'hex')));
if (idAt.some((at) => at < 0)) throw new Error('sender: a span id not found in its request');
let sent = 0;
const renumber = () => {
  sent += 1;
  for (const at of idAt) body.writeUInt32BE(sent, at);
};
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const target = new URL(`${url}/v1/traces`);

const post = () =>
  new Promise((resolve) => {
    const req = request(target, { method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('error', () => resolve(false));
    req.end(body);
  });

const deadline = Date.now() + Number(msText);
let requests = 0;
let failed = 0;
while (Date.now() < deadline) {
  renumber();
  if (await post()) requests += 1;
  else failed += 1;
}
agent.destroy();
process.stdout.write(`${JSON.stringify({ requests, spans: requests * batch, failed })}\n`);
