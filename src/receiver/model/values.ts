/**
 * OTLP's value shapes (AnyValue, KeyValue lists, ids, nanosecond times) turned into plain JSON, the same way whether
 * the request came as protobuf (protobufjs objects: bytes as Uint8Array, 64-bit integers as strings) or as OTLP/JSON
 * (ids as hex, 64-bit integers as strings or numbers). Bounded: long strings are cut and deep values flattened, so
 * one item can never take more than a few kilobytes of the store.
 */
import type { AttributeValue, Attributes } from './types.js';

/** A string attribute or body longer than this is cut (with an ellipsis). */
export const MAX_STRING = 8 * 1024;
/** At most this many attributes per item are kept. */
export const MAX_ATTRIBUTES = 128;
const MAX_DEPTH = 4;
const MAX_ARRAY = 128;

export type Raw = Record<string, unknown>;

export function isObject(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function cut(text: string, max = MAX_STRING): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A 64-bit integer as protobufjs (string) or OTLP/JSON (string or number) gives it. */
export function int64(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  return undefined;
}

/** Unix nanoseconds → epoch milliseconds; undefined when absent or 0 (OTLP's "not set"). */
export function nanosToMs(value: unknown): number | undefined {
  const nanos = int64(value);
  return nanos === undefined || nanos <= 0 ? undefined : nanos / 1e6;
}

/** A trace or span id: protobuf bytes or OTLP/JSON hex; undefined when empty or all zero (OTLP's "none"). */
export function hexId(value: unknown, bytes: 8 | 16): string | undefined | null {
  let hex: string;
  if (value instanceof Uint8Array) {
    if (value.length === 0) return undefined;
    if (value.length !== bytes) return null;
    hex = Buffer.from(value.buffer, value.byteOffset, value.length).toString('hex');
  } else if (typeof value === 'string') {
    if (value === '') return undefined;
    if (value.length !== bytes * 2 || !/^[0-9a-fA-F]+$/.test(value)) return null;
    hex = value.toLowerCase();
  } else if (value === undefined || value === null) {
    return undefined;
  } else return null;
  return /^0+$/.test(hex) ? undefined : hex;
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** AnyValue → plain JSON. */
export function anyValue(value: unknown, depth = 0): AttributeValue {
  if (!isObject(value)) return null;
  if (typeof value.stringValue === 'string') return cut(value.stringValue);
  if (typeof value.boolValue === 'boolean') return value.boolValue;
  if (value.intValue !== undefined) return int64(value.intValue) ?? null;
  if (value.doubleValue !== undefined) return typeof value.doubleValue === 'number' ? value.doubleValue : Number(value.doubleValue);
  if (value.bytesValue !== undefined) {
    const bytes = value.bytesValue;
    return bytes instanceof Uint8Array ? Buffer.from(bytes).toString('base64') : typeof bytes === 'string' ? cut(bytes) : null;
  }
  if (depth >= MAX_DEPTH) return '…';
  if (isObject(value.arrayValue)) return list(value.arrayValue.values).slice(0, MAX_ARRAY).map((item) => anyValue(item, depth + 1));
  if (isObject(value.kvlistValue)) return keyValues(value.kvlistValue.values, depth + 1);
  return null;
}

/** A KeyValue list → an attributes object (at most MAX_ATTRIBUTES keys). */
export function keyValues(values: unknown, depth = 0): Attributes {
  const out: Attributes = {};
  let count = 0;
  for (const kv of list(values)) {
    if (!isObject(kv) || typeof kv.key !== 'string') continue;
    if (count++ >= MAX_ATTRIBUTES) break;
    out[kv.key] = anyValue(kv.value, depth);
  }
  return out;
}

/** A log body: a string as is, anything else as JSON text. */
export function bodyText(value: unknown): string {
  const plain = anyValue(value);
  if (plain === null) return '';
  return cut(typeof plain === 'string' ? plain : JSON.stringify(plain));
}
