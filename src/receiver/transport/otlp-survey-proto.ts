/**
 * A subset of the OTLP export requests (the same field numbers as otlp-proto.ts, which is the full definition): only
 * what the receiver's hot path reads — each resource, how many items it sent, and the fields that decide whether an
 * item can be kept. Protobuf decoders skip the fields a schema does not name, so protobufjs reads a request through
 * these messages at a fraction of the full decoding's cost and allocations (see model/survey.ts and
 * docs/decisions.md); the full messages are decoded only when someone looks at the items.
 */
export const SURVEY_PROTO = `
syntax = "proto3";
package land.survey.v1;

message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  bytes parent_span_id = 4;
  fixed64 start_time_unix_nano = 7;
}
message ScopeSpans { repeated Span spans = 2; }
message ResourceSpans {
  opentelemetry.proto.resource.v1.Resource resource = 1;
  repeated ScopeSpans scope_spans = 2;
}
message TracesRequest { repeated ResourceSpans resource_spans = 1; }

message LogRecord {
  bytes trace_id = 9;
  bytes span_id = 10;
}
message ScopeLogs { repeated LogRecord log_records = 2; }
message ResourceLogs {
  opentelemetry.proto.resource.v1.Resource resource = 1;
  repeated ScopeLogs scope_logs = 2;
}
message LogsRequest { repeated ResourceLogs resource_logs = 1; }

message DataPoint {}
message Points { repeated DataPoint data_points = 1; }
message Metric {
  string name = 1;
  oneof data {
    Points gauge = 5;
    Points sum = 7;
    Points histogram = 9;
    Points exponential_histogram = 10;
    Points summary = 11;
  }
}
message ScopeMetrics { repeated Metric metrics = 2; }
message ResourceMetrics {
  opentelemetry.proto.resource.v1.Resource resource = 1;
  repeated ScopeMetrics scope_metrics = 2;
}
message MetricsRequest { repeated ResourceMetrics resource_metrics = 1; }
`;
