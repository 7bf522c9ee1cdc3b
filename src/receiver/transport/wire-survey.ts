/**
 * A protobuf export request surveyed instead of converted, read straight off the wire: per resource group, its
 * attributes and how many items it sent, and whether every item can be kept. The rules are the conversion's
 * (model/convert.ts: `spanKeepable`, `logKeepable`, `metricType`) applied to the fields' bytes, so an item counted
 * here is an item the conversion keeps (test/receiver/survey.test.ts holds both to the same requests). A request
 * with an item that cannot be kept is converted at once instead, so its answer can say which.
 *
 * Why not protobufjs with a subset schema, as before: it made an object per span, a Buffer per id and a Long per
 * start time only for this to look at their lengths, two thirds of the receiver's own CPU per request in the bench
 * (docs/decisions.md, "The receiver's ingest, sixth wave"). Resources, one per group, are still decoded by
 * protobufjs (`readResource`), as is everything when the store is read.
 *
 * Every message is bounded by its parent's length; a length, varint or fixed field past its end throws (a 400).
 * Unknown fields, and known ones of another wire type, are skipped as protobuf parsers skip them.
 */
import type { Attributes, Signal } from '../model/types.js';
import { idNumber } from '../store/recent-ids.js';

export interface SurveyGroup {
  resource: Attributes;
  items: number;
}

export interface Survey {
  groups: SurveyGroup[];
  items: number;
  /** Traces: each keepable span's key, a number from its span id (a span sent twice is kept once: span-store.ts). */
  spanKeys?: number[];
  /** Every item can be kept (false: convert the request to reject the right ones). */
  keepable: boolean;
}

/** A group's `Resource` message (its bytes) as attributes. */
export type ResourceReader = (bytes: Uint8Array) => Attributes;

const VARINT = 0;
const FIXED64 = 1;
const LENGTH = 2;
const START_GROUP = 3;
const END_GROUP = 4;
const FIXED32 = 5;
/** Below protobufjs's recursion limit (100, messages and groups together): the survey refuses first, never after. */
const MAX_GROUP_DEPTH = 90;

/** A tag of `field` with the length-delimited wire type (messages, bytes, strings). */
const nested = (field: number) => (field << 3) | LENGTH;
const RESOURCE = nested(1);
const SCOPES = nested(2);
const ITEMS = nested(2);

class Cursor {
  at = 0;
  constructor(readonly buf: Uint8Array) {}

  varint(end: number): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.at >= end) throw new RangeError(`truncated varint at offset ${this.at}`);
      const byte = this.buf[this.at++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
    throw new RangeError(`varint longer than 10 bytes at offset ${this.at}`);
  }

  /**
   * A tag or a length: at most five bytes, the fifth at most `lastMax`, as protobufjs reads them (reader.js `tag`,
   * `size`), so that the survey refuses every body the full decode would refuse there.
   */
  private varint32(end: number, lastMax: number, what: string): number {
    let value = 0;
    for (let i = 0; i < 5; i++) {
      if (this.at >= end) throw new RangeError(`truncated ${what} at offset ${this.at}`);
      const byte = this.buf[this.at++]!;
      if (i === 4) {
        if (byte > lastMax) throw new RangeError(`invalid ${what} encoding at offset ${this.at - 1}`);
        return value + byte * 2 ** 28;
      }
      // A shift, not `* 2 ** (7 * i)`: that was a call to pow per byte (3.5 % of the receiver's CPU in the bench).
      value |= (byte & 0x7f) << (7 * i);
      if (byte < 0x80) return value;
    }
    throw new RangeError(`invalid ${what} encoding at offset ${this.at}`); // not reached: the fifth byte returns
  }

  tag(end: number): number {
    const tag = this.varint32(end, 0x0f, 'tag');
    if (tag >>> 3 === 0) throw new RangeError(`invalid field number 0 at offset ${this.at}`);
    return tag;
  }

  /** Reads a length-delimited field's length; returns where its bytes end (the cursor is at their start). */
  length(end: number): number {
    const length = this.varint32(end, 7, 'length');
    const stop = this.at + length;
    if (stop > end) throw new RangeError(`length beyond its message at offset ${this.at}`);
    return stop;
  }

  advance(bytes: number, end: number): void {
    if (this.at + bytes > end) throw new RangeError(`truncated fixed field at offset ${this.at}`);
    this.at += bytes;
  }

  skip(tag: number, end: number, depth = 0): void {
    switch (tag & 7) {
      case VARINT:
        this.varint(end);
        return;
      case FIXED64:
        this.advance(8, end);
        return;
      case LENGTH:
        this.at = this.length(end);
        return;
      case FIXED32:
        this.advance(4, end);
        return;
      case START_GROUP: {
        // protobufjs's skipType: an end tag of the same field closes the group, nesting is bounded.
        if (depth >= MAX_GROUP_DEPTH) throw new RangeError(`groups nested too deep at offset ${this.at}`);
        let inner = this.tag(end);
        for (; (inner & 7) !== END_GROUP; inner = this.tag(end)) this.skip(inner, end, depth + 1);
        if (inner >>> 3 !== tag >>> 3) throw new RangeError(`invalid end group tag at offset ${this.at}`);
        return;
      }
      default:
        throw new RangeError(`invalid wire type ${tag & 7} at offset ${this.at}`);
    }
  }

  /** Where the last id read began (its bytes, after its length). */
  idAt = 0;

  /** An id field's state as `idState` (model/values.ts) gives it: empty or all zero is none, another length bad. */
  id(end: number, bytes: 8 | 16): IdState {
    const stop = this.length(end);
    this.idAt = this.at;
    const length = stop - this.at;
    this.at = stop;
    if (length !== bytes) return length === 0 ? NONE : BAD;
    return isZero(this.buf, this.idAt, stop) ? NONE : OK;
  }
}

/** Whether `buf[from, to)` is all zero bytes. */
function isZero(buf: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (buf[i] !== 0) return false;
  return true;
}

type IdState = 0 | 1 | 2;
const NONE = 0;
const OK = 1;
const BAD = 2;

/** A span's key (span-store.ts `spanKey`): a number from its span id's 8 bytes (recent-ids.ts). */
const keyOf = (c: Cursor, spanAt: number) => idNumber(uint32At(c.buf, spanAt), uint32At(c.buf, spanAt + 4));
/** Four bytes, big-endian, unsigned. */
const uint32At = (buf: Uint8Array, at: number) => ((buf[at]! << 24) | (buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!) >>> 0;

/**
 * A span (`spanKeepable`): trace and span ids well-formed and set, the parent's well-formed or none, a start time.
 * A keepable one's ids go into `survey.spanKeys` as span-store.ts's `spanKey` reads them (the last of a repeated field).
 */
function weighSpan(c: Cursor, end: number, survey: Survey): number {
  let trace: IdState = NONE;
  let span: IdState = NONE;
  let parent: IdState = NONE;
  let started = false;
  let spanAt = 0;
  while (c.at < end) {
    const tag = c.tag(end);
    if (tag === nested(1)) trace = c.id(end, 16);
    else if (tag === nested(2)) {
      span = c.id(end, 8);
      spanAt = c.idAt;
    } else if (tag === nested(4)) parent = c.id(end, 8);
    else if (tag === ((7 << 3) | FIXED64)) {
      c.advance(8, end);
      started = !isZero(c.buf, c.at - 8, c.at);
    } else c.skip(tag, end);
  }
  if (trace !== OK || span !== OK || parent === BAD || !started) return -1;
  (survey.spanKeys ??= []).push(keyOf(c, spanAt));
  return 1;
}

/** A log record (`logKeepable`): its trace context, when it has one, well-formed. */
function weighLog(c: Cursor, end: number): number {
  let trace: IdState = NONE;
  let span: IdState = NONE;
  while (c.at < end) {
    const tag = c.tag(end);
    if (tag === nested(9)) trace = c.id(end, 16);
    else if (tag === nested(10)) span = c.id(end, 8);
    else c.skip(tag, end);
  }
  return trace !== BAD && span !== BAD ? 1 : -1;
}

/** The data members of a metric's oneof, in the order `metricType` looks for them: gauge, sum, histogram, … */
const DATA_FIELDS = [5, 7, 9, 10, 11];

/** A metric (`metricType`): a name and one kind of data; it stands for its data points. */
function weighMetric(c: Cursor, end: number): number {
  let named = false;
  const points: Array<number | undefined> = [];
  while (c.at < end) {
    const tag = c.tag(end);
    const member = DATA_FIELDS.indexOf(tag >>> 3);
    if (tag === nested(1)) {
      // Any bytes: the full decode reads strings that are not UTF-8 leniently (codec.ts, readStringsLeniently).
      const stop = c.length(end);
      named = stop > c.at;
      c.at = stop;
    } else if (member >= 0 && (tag & 7) === LENGTH) {
      const stop = c.length(end);
      let count = 0;
      while (c.at < stop) {
        const inner = c.tag(stop);
        if (inner === nested(1)) count += 1;
        c.skip(inner, stop);
      }
      // A repeated message field is merged into the one before it (protobuf's rule, protobufjs's decode): its points add.
      points[member] = (points[member] ?? 0) + count;
    } else c.skip(tag, end);
  }
  const chosen = points.find((count) => count !== undefined);
  return named && chosen !== undefined ? chosen : -1;
}

const WEIGH: Record<Signal, (c: Cursor, end: number, survey: Survey) => number> = { traces: weighSpan, logs: weighLog, metrics: weighMetric };

/** A resource group as surveyed: its items, and the bytes of its `Resource` field(s). */
interface FoundGroup {
  items: number;
  resource: Uint8Array[];
}

/** One resource group: its items counted into `survey`; returns the group with the resource's bytes, if any. */
function surveyGroup(c: Cursor, end: number, weigh: (c: Cursor, end: number, survey: Survey) => number, survey: Survey): FoundGroup {
  const group: FoundGroup = { items: 0, resource: [] };
  while (c.at < end) {
    const tag = c.tag(end);
    if (tag === RESOURCE) {
      const stop = c.length(end);
      group.resource.push(c.buf.subarray(c.at, stop)); // more than one is merged, as the full decode merges them
      c.at = stop;
    } else if (tag === SCOPES) {
      const scopeEnd = c.length(end);
      while (c.at < scopeEnd) {
        const inner = c.tag(scopeEnd);
        if (inner !== ITEMS) {
          c.skip(inner, scopeEnd);
          continue;
        }
        const itemEnd = c.length(scopeEnd);
        const weight = weigh(c, itemEnd, survey);
        c.at = itemEnd;
        if (weight < 0) survey.keepable = false;
        else group.items += weight;
      }
    } else c.skip(tag, end);
  }
  survey.items += group.items;
  return group;
}

/** Surveys an export request of `signal` (its protobuf bytes); throws a RangeError for bytes that are not one. */
export function surveyWire(signal: Signal, body: Uint8Array, readResource: ResourceReader): Survey {
  const c = new Cursor(body);
  const end = body.length;
  const survey: Survey = { groups: [], items: 0, keepable: true };
  const found: FoundGroup[] = [];
  while (c.at < end) {
    const tag = c.tag(end);
    if (tag !== nested(1)) {
      c.skip(tag, end);
      continue;
    }
    const stop = c.length(end);
    found.push(surveyGroup(c, stop, WEIGH[signal], survey));
    c.at = stop;
  }
  // Resources are decoded only where they name the origin of items that will be kept.
  for (const group of found) {
    const parts = group.resource;
    const bytes = parts.length === 1 ? parts[0]! : parts.length > 1 ? Buffer.concat(parts) : undefined;
    const resource = survey.keepable && group.items > 0 && bytes ? readResource(bytes) : {};
    survey.groups.push({ resource, items: group.items });
  }
  return survey;
}
