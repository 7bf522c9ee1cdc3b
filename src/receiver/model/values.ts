/**
 * OTLP's value shapes (AnyValue, KeyValue lists, ids, nanosecond times) turned into plain JSON, the same way whether
 * the request came as protobuf (protobufjs's decoded messages, read as they are: bytes as Uint8Array, 64-bit
 * integers as Long, unset fields as their defaults on the prototype, a oneof's set member named by its discriminator)
 * or as OTLP/JSON (ids as hex, 64-bit integers as strings or numbers, only set fields present). Bounded: long strings are cut and deep values flattened, so
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

/** protobufjs's 64-bit integer (long.js's Long). */
interface LongLike {
  toNumber(): number;
}

/** A 64-bit integer as protobufjs (Long) or OTLP/JSON (string or number) gives it. */
export function int64(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') return /^-?\d+$/.test(value) ? Number(value) : undefined;
  if (typeof value === 'object' && value !== null && typeof (value as LongLike).toNumber === 'function') return (value as LongLike).toNumber();
  return undefined;
}

/**
 * Which member of a oneof is set: protobufjs names it in the oneof's own property (`value` for AnyValue and a data
 * point, whose members all have prototype defaults); OTLP/JSON has only the set member's key.
 */
export function oneofMember(value: Raw, discriminator: string, members: readonly string[]): string | undefined {
  if (discriminator in value && !Object.hasOwn(value, discriminator)) {
    // a protobufjs message: the discriminator is a getter on its prototype, undefined when no member is set
    const named = value[discriminator];
    return typeof named === 'string' && members.includes(named) ? named : undefined;
  }
  for (const member of members) if (value[member] !== undefined && value[member] !== null) return member;
  return undefined;
}

/** Unix nanoseconds → epoch milliseconds; undefined when absent or 0 (OTLP's "not set"). */
export function nanosToMs(value: unknown): number | undefined {
  const nanos = int64(value);
  return nanos === undefined || nanos <= 0 ? undefined : nanos / 1e6;
}

/**
 * end − start of two Unix-nanosecond times, in milliseconds, computed on their parts so that it is exact to the
 * nanosecond (epoch nanoseconds are beyond a double's 53 bits; subtracting the rounded values is off by ~0.25 µs).
 */
export function nanosBetweenMs(start: unknown, end: unknown): number | undefined {
  const a = nanoParts(start);
  const b = nanoParts(end);
  if (!a || !b || a[2] !== b[2]) return undefined;
  return ((b[0] - a[0]) * a[2] + (b[1] - a[1])) / 1e6;
}

/** [high, low, unit of high]: a Long's 32-bit halves, a decimal string's digits above and below 1e9. */
function nanoParts(value: unknown): [number, number, number] | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? [0, value, 0] : undefined;
  if (typeof value === 'string') {
    if (!/^\d+$/.test(value)) return undefined;
    return [Number(value.slice(0, -9) || '0'), Number(value.slice(-9)), 1e9];
  }
  if (typeof value === 'object' && value !== null && typeof (value as { high?: unknown }).high === 'number') {
    const long = value as { high: number; low: number };
    return [long.high >>> 0, long.low >>> 0, 4294967296];
  }
  return undefined;
}

/** hexId's verdict without making the hex: absent (or all zero), a valid id, or malformed. */
export function idState(value: unknown, bytes: 8 | 16): 'none' | 'ok' | 'bad' {
  if (value instanceof Uint8Array) {
    if (value.length === 0) return 'none';
    if (value.length !== bytes) return 'bad';
    for (let i = 0; i < value.length; i++) if (value[i] !== 0) return 'ok';
    return 'none';
  }
  const hex = hexId(value, bytes);
  return hex === null ? 'bad' : hex === undefined ? 'none' : 'ok';
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
  } else if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) {
    // absent (protobufjs's default for unset bytes is an empty array on the prototype)
    return undefined;
  } else return null;
  return /^0+$/.test(hex) ? undefined : hex;
}

/** What kind of JSON value was given, for a message: `an array`, `null`, `an object`, `a number`. */
export const given = (value: unknown): string =>
  Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;

export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

const ANY_VALUE_MEMBERS = ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'bytesValue', 'arrayValue', 'kvlistValue'] as const;

/** AnyValue → plain JSON. */
export function anyValue(value: unknown, depth = 0): AttributeValue {
  if (!isObject(value)) return null;
  const member = oneofMember(value, 'value', ANY_VALUE_MEMBERS);
  const set = member === undefined ? undefined : value[member];
  switch (member) {
    case 'stringValue':
      return typeof set === 'string' ? cut(set) : null;
    case 'boolValue':
      return typeof set === 'boolean' ? set : null;
    case 'intValue':
      return int64(set) ?? null;
    case 'doubleValue':
      return typeof set === 'number' ? set : Number(set);
    case 'bytesValue':
      return set instanceof Uint8Array ? Buffer.from(set.buffer, set.byteOffset, set.length).toString('base64') : typeof set === 'string' ? cut(set) : null;
  }
  if (depth >= MAX_DEPTH) return '…';
  if (member === 'arrayValue' && isObject(set)) return list(set.values).slice(0, MAX_ARRAY).map((item) => anyValue(item, depth + 1));
  if (member === 'kvlistValue' && isObject(set)) return keyValues(set.values, depth + 1);
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
