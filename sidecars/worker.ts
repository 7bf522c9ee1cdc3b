/**
 * worker: a sidecar written with the plain OpenTelemetry SDK and nothing of land's. Everything it knows about the
 * stack comes from the environment land gives every child: it joins the boot's trace through TRACEPARENT (the
 * environment carrier), names itself from OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES and exports spans and log
 * records to OTEL_EXPORTER_OTLP_ENDPOINT (land's receiver). Then it takes a job every 2 s, each in a trace of its own
 * (every fifth fails), until SIGTERM. `land trace` shows it under its spawn span, `land logs worker` its records.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { EnvironmentGetter } from '@opentelemetry/propagator-env-carrier';
import { defaultResource, detectResources, envDetector } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

const resource = defaultResource().merge(detectResources({ detectors: [envDetector] }));
const tracing = new BasicTracerProvider({
  resource,
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter(), { scheduledDelayMillis: 500 })],
});
const logging = new LoggerProvider({
  resource,
  processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter(), scheduledDelayMillis: 500 })],
});
const tracer = tracing.getTracer('worker');
const logger = logging.getLogger('worker');

const launch = new W3CTraceContextPropagator().extract(ROOT_CONTEXT, undefined, new EnvironmentGetter());
const start = tracer.startSpan('worker.start', {}, launch);
const queues = ['mail', 'thumbnails', 'search'];
for (const queue of queues) tracer.startSpan(`worker.subscribe ${queue}`, {}, trace.setSpan(launch, start)).end();
logger.emit({ severityNumber: SeverityNumber.INFO, severityText: 'INFO', body: `subscribed to ${queues.length} queues`, context: trace.setSpan(launch, start) });
start.setStatus({ code: SpanStatusCode.OK });
start.end();
console.log('worker: ready for jobs');

let jobs = 0;
function runJob(): void {
  jobs += 1;
  const queue = queues[jobs % queues.length]!;
  const job = tracer.startSpan(`job ${queue}`, { kind: SpanKind.CONSUMER, root: true, attributes: { 'job.number': jobs } });
  const inJob = trace.setSpan(ROOT_CONTEXT, job);
  tracer.startSpan('job.fetch', {}, inJob).end();
  if (jobs % 5 === 0) {
    job.setStatus({ code: SpanStatusCode.ERROR, message: 'payload rejected' });
    logger.emit({ severityNumber: SeverityNumber.ERROR, severityText: 'ERROR', body: `job ${jobs} on ${queue} failed: payload rejected`, context: inJob });
  } else {
    job.setStatus({ code: SpanStatusCode.OK });
  }
  job.end();
}
const timer = setInterval(runJob, 2000);

process.on('SIGTERM', () => {
  clearInterval(timer);
  console.log(`worker: stopping after ${jobs} jobs`);
  void Promise.allSettled([tracing.shutdown(), logging.shutdown()]).then(() => process.exit(0));
});
