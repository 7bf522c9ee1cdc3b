/** The `receiver` key of land.config.ts: the stack's OTLP receiver (src/receiver), on by default on a free port. */

/** What OpenTelemetry SDKs are told to speak to land's receiver (here, not in src/receiver: `land run` reads it too). */
export const RECEIVER_PROTOCOL = 'http/protobuf';

export interface ReceiverConfig {
  /** Default true. false: no receiver; children get the collector's endpoint when the OTLP pipe is on, as before. */
  enabled?: boolean;
  /** 127.0.0.1:<port>; default 0, a free port (`land up --receiver-port` wins). */
  port?: number;
  /** The largest request body, in bytes after gzip is undone (default 8 MiB); above it: 413. */
  maxBodyBytes?: number;
  /** Items kept per boot, per signal (defaults: 100 000 spans, 100 000 log records, 200 000 metric points). */
  limits?: { spans?: number; logRecords?: number; metricPoints?: number };
}

export interface ResolvedReceiver {
  enabled: boolean;
  port: number;
  maxBodyBytes: number;
  limits: { spans: number; logRecords: number; metricPoints: number };
}

export const RECEIVER_DEFAULTS: ResolvedReceiver = {
  enabled: true,
  port: 0,
  maxBodyBytes: 8 * 1024 * 1024,
  limits: { spans: 100_000, logRecords: 100_000, metricPoints: 200_000 },
};

export function resolveReceiver(config: ReceiverConfig | undefined): ResolvedReceiver {
  return {
    enabled: config?.enabled ?? RECEIVER_DEFAULTS.enabled,
    port: config?.port ?? RECEIVER_DEFAULTS.port,
    maxBodyBytes: config?.maxBodyBytes ?? RECEIVER_DEFAULTS.maxBodyBytes,
    limits: { ...RECEIVER_DEFAULTS.limits, ...config?.limits },
  };
}
