/**
 * The receiver's heavy half: protobufjs with the OTLP definitions (otlp-proto.ts), imported the first time a
 * request needs it (see lazy-codec.ts), never during the boot's first wave. Decodes export requests into protobufjs
 * messages (OTLP/JSON's field names; see model/values.ts for how they are read) and encodes the answers.
 */
import protobuf from 'protobufjs';
import type { Attributes, Signal } from '../model/types.js';
import { keyValues } from '../model/values.js';
import { ALL_PROTOS } from './otlp-proto.js';
import { rejectedField } from './signal-names.js';
import { surveyWire, type ResourceReader, type Survey } from './wire-survey.js';

export interface PartialSuccess {
  rejected: number;
  message: string;
}

export interface OtlpCodec {
  /** A protobuf export request as a plain object; throws on bytes that are not one. */
  decode(signal: Signal, body: Uint8Array): unknown;
  /** A protobuf export request surveyed on the wire (wire-survey.ts): its groups, item counts and whether all can be kept. */
  survey(signal: Signal, body: Uint8Array): Survey;
  /** The protobuf answer to an export request (empty when everything was accepted). */
  encodeResponse(signal: Signal, partial?: PartialSuccess): Uint8Array;
  /** A google.rpc.Status body for an error answer. */
  encodeStatus(code: number, message: string): Uint8Array;
}

const NAMES: Record<Signal, { request: string; response: string }> = {
  traces: {
    request: 'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest',
    response: 'opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse',
  },
  logs: {
    request: 'opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest',
    response: 'opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse',
  },
  metrics: {
    request: 'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest',
    response: 'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse',
  },
};

/** Resources above this size are decoded every time rather than remembered. */
const REMEMBERED_RESOURCE_BYTES = 4096;

/**
 * `read`, remembering the last few resources by their bytes: a sender repeats its resource in every request. The
 * attributes are shared between requests, so they are frozen.
 */
function recentResources(read: ResourceReader, keep = 16): ResourceReader {
  const recent: Array<{ bytes: Buffer; attributes: Attributes }> = [];
  return (bytes) => {
    for (const entry of recent) if (entry.bytes.equals(bytes)) return entry.attributes;
    const attributes = read(bytes);
    if (bytes.length > REMEMBERED_RESOURCE_BYTES) return attributes;
    recent.unshift({ bytes: Buffer.from(bytes), attributes: Object.freeze(attributes) });
    if (recent.length > keep) recent.pop();
    return attributes;
  };
}

/**
 * Strings read as the OpenTelemetry Collector and OTLP/JSON read them: bytes that are not UTF-8 become U+FFFD
 * instead of failing the whole request. proto3's rule (protobufjs's `stringVerify`) would refuse a span whose name
 * or attribute is not UTF-8 only when the store converts its frame, after the wire survey (which skips those
 * fields) had answered 200: items accepted, then lost (docs/decisions.md, "Correctness leftovers (seventh wave)").
 */
function readStringsLeniently(namespace: protobuf.NamespaceBase): void {
  for (const nested of namespace.nestedArray) {
    if (nested instanceof protobuf.Type) {
      for (const field of nested.fieldsArray) {
        if (field.type === 'string') field.setOption('features', { ...(field.options?.features as object | undefined), utf8_validation: 'NONE' });
      }
    }
    if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) readStringsLeniently(nested);
  }
}

export function createCodec(): OtlpCodec {
  const root = new protobuf.Root();
  for (const text of ALL_PROTOS) protobuf.parse(text, root, { keepCase: false });
  readStringsLeniently(root);
  root.resolveAll();
  const types = Object.fromEntries(
    (Object.keys(NAMES) as Signal[]).map((signal) => [
      signal,
      { request: root.lookupType(NAMES[signal].request), response: root.lookupType(NAMES[signal].response) },
    ]),
  ) as Record<Signal, { request: protobuf.Type; response: protobuf.Type }>;
  const resourceType = root.lookupType('opentelemetry.proto.resource.v1.Resource');
  const readResource = recentResources((bytes) => keyValues((resourceType.decode(bytes) as unknown as { attributes?: unknown }).attributes));
  const status = root.lookupType('google.rpc.Status');
  // The answer to a request kept whole is the same every time: encoded once, not per request.
  const accepted = Object.fromEntries(
    (Object.keys(NAMES) as Signal[]).map((signal) => [signal, types[signal].response.encode(types[signal].response.fromObject({})).finish()]),
  ) as Record<Signal, Uint8Array>;
  return {
    decode(signal, body) {
      // The message as decoded: model/values.ts reads its Longs, buffers and defaults directly (a toObject copy
      // cost as much as the decoding and made 64-bit integers strings only to parse them back).
      return types[signal].request.decode(body);
    },
    survey(signal, body) {
      return surveyWire(signal, body, readResource);
    },
    encodeResponse(signal, partial) {
      if (!partial || (partial.rejected === 0 && !partial.message)) return accepted[signal];
      const type = types[signal].response;
      const payload = { partialSuccess: { [rejectedField(signal)]: partial.rejected, errorMessage: partial.message } };
      return type.encode(type.fromObject(payload)).finish();
    },
    encodeStatus(code, message) {
      return status.encode(status.fromObject({ code, message })).finish();
    },
  };
}
