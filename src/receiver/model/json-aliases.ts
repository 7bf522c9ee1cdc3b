/**
 * OTLP/JSON as senders without an SDK write it, read as the SDKs' own: proto3's JSON mapping lets a parser take a
 * message's original field names (`resource_spans`, `trace_id`) as well as their lowerCamelCase, and enum values by
 * name (`"SPAN_KIND_SERVER"`, `"SEVERITY_NUMBER_ERROR"`); OTLP before 0.19 named scopes `instrumentationLibrary…`.
 * Only a request that needs it is rewritten (its top key is not the camelCase one), so the SDKs' path costs nothing.
 */
import { PATHS } from './convert.js';
import type { Signal } from './types.js';
import { isObject } from './values.js';

const SNAKE = /_([a-z])/g;

/** Every object key of `value` in lowerCamelCase (values are left as they are: attribute keys are values). */
function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[key.includes('_') ? key.replace(SNAKE, (_, c: string) => c.toUpperCase()) : key] = camelKeys(inner);
  return out;
}

/** OTLP < 0.19: `instrumentationLibrarySpans` / `instrumentationLibrary`, now `scopeSpans` / `scope`. */
const LEGACY_SCOPES: Record<Signal, string> = { traces: 'instrumentationLibrarySpans', logs: 'instrumentationLibraryLogs', metrics: 'instrumentationLibraryMetrics' };

function renameLegacyScopes(request: Record<string, unknown>, signal: Signal): void {
  const [resourceKey, scopeKey] = PATHS[signal];
  const groups = request[resourceKey];
  if (!Array.isArray(groups)) return;
  for (const group of groups) {
    if (!isObject(group) || group[scopeKey] !== undefined || !Array.isArray(group[LEGACY_SCOPES[signal]])) continue;
    group[scopeKey] = (group[LEGACY_SCOPES[signal]] as unknown[]).map((scoped) =>
      isObject(scoped) && scoped.scope === undefined && isObject(scoped.instrumentationLibrary) ? { ...scoped, scope: scoped.instrumentationLibrary } : scoped,
    );
  }
}

/** `request` with proto field names and legacy scope names read as today's; the same object when it needs nothing. */
export function withJsonAliases(request: Record<string, unknown>, signal: Signal): Record<string, unknown> {
  const [resourceKey] = PATHS[signal];
  const snake = resourceKey.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const read = request[resourceKey] === undefined && request[snake] !== undefined ? (camelKeys(request) as Record<string, unknown>) : request;
  renameLegacyScopes(read, signal);
  return read;
}

const KINDS = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];

/** A span's kind as a number: sent as one, or by its enum name. */
export function kindNumber(kind: unknown): number {
  if (typeof kind === 'number') return kind;
  return typeof kind === 'string' ? Math.max(0, KINDS.indexOf(kind)) : 0;
}

const SEVERITY = /^SEVERITY_NUMBER_(TRACE|DEBUG|INFO|WARN|ERROR|FATAL)([234]?)$/;
const SEVERITY_BASES = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

/** A log record's severity number: sent as one, or by its enum name (`SEVERITY_NUMBER_ERROR` is 17, `…_ERROR2` 18). */
export function severityNumberOf(value: unknown): number {
  if (typeof value === 'number') return value;
  const match = typeof value === 'string' ? SEVERITY.exec(value) : null;
  return match ? SEVERITY_BASES.indexOf(match[1]!) * 4 + 1 + (match[2] ? Number(match[2]) - 1 : 0) : 0;
}
