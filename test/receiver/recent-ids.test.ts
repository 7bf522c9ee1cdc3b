/**
 * The receiver's memory of recent span ids (recent-ids.ts): a span sent again is told from a new one for between one
 * and two windows of spans, whatever bits of the ids differ (a sender numbering its spans in their first bytes
 * included), and a frame's ids released when it was not kept are free again.
 */
import { describe, expect, it } from 'vitest';
import { idNumber, idNumberOfHex, RecentIds, WINDOW } from '../../src/receiver/store/recent-ids.js';

const numbered = (n: number) => idNumber(n, 0xdeadbeef);

describe('recent span ids', () => {
  it('reads the same number from the wire\'s bytes and from the hex the conversion gives', () => {
    expect(idNumberOfHex('00000001deadbeef')).toBe(numbered(1));
    expect(idNumberOfHex('ffffffffffffffff')).toBe(idNumber(0xffffffff, 0xffffffff));
    expect(idNumber(0xffffffff, 0xffffffff)).toBeLessThanOrEqual(2 ** 53);
    expect(idNumber(0, 0)).toBeGreaterThan(0);
    // Sequential, hand-made ids differ in their last bits only: each its own number.
    expect(new Set(Array.from({ length: 64 }, (_, i) => idNumberOfHex((i + 1).toString(16).padStart(16, '0')))).size).toBe(64);
  });

  it('remembers the last window at least and forgets what is older than two', () => {
    const ids = new RecentIds();
    for (let n = 1; n <= 2 * WINDOW + 5; n++) {
      expect(ids.has(numbered(n))).toBe(false);
      ids.add(numbered(n));
    }
    for (let n = WINDOW + 6; n <= 2 * WINDOW + 5; n++) expect(ids.has(numbered(n))).toBe(true);
    expect(ids.has(numbered(1))).toBe(false);
    expect(ids.has(numbered(WINDOW))).toBe(false);
  });

  it('frees released ids, and keeps those after them in the same chain', () => {
    const ids = new RecentIds();
    const many = Array.from({ length: 500 }, (_, n) => numbered(n + 1));
    for (const id of many) ids.add(id);
    for (const id of many.slice(0, 250)) ids.delete(id);
    for (const id of many.slice(0, 250)) expect(ids.has(id)).toBe(false);
    for (const id of many.slice(250)) expect(ids.has(id)).toBe(true);
    ids.add(many[0]!);
    expect(ids.has(many[0]!)).toBe(true);
  });

  it('notes an id once: new the first time, held after (from either generation), new again once released', () => {
    const ids = new RecentIds();
    const random = () => idNumber((Math.random() * 2 ** 32) >>> 0, (Math.random() * 2 ** 32) >>> 0);
    const first = Array.from({ length: WINDOW }, random);
    expect(first.filter((id) => ids.note(id))).toHaveLength(new Set(first).size);
    // The window is full: the next note starts the other table, and the first ids are still held (the older one).
    const later = random();
    expect(ids.note(later)).toBe(true);
    expect(first.filter((id) => ids.note(id))).toEqual([]);
    expect(ids.note(later)).toBe(false);
    ids.delete(first[0]!);
    expect(ids.has(first[0]!)).toBe(false);
    expect(ids.note(first[0]!)).toBe(true);
    expect(ids.has(first[0]!)).toBe(true);
  });

  it('holds no tables until its first id: an empty one answers has and delete, and makes them at the first note', () => {
    // Their 576 KiB each were made with the store, before land's first fork (docs/decisions.md, "Start-up, fourteenth
    // pass"); ArrayBuffers are counted as they are made, so four stores would show 2.25 MiB here.
    const before = process.memoryUsage().arrayBuffers;
    const stores = Array.from({ length: 4 }, () => new RecentIds());
    for (const ids of stores) {
      expect(ids.has(numbered(1))).toBe(false);
      ids.delete(numbered(1));
    }
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(256 * 1024);
    for (const ids of stores) expect(ids.note(numbered(1))).toBe(true);
    expect(process.memoryUsage().arrayBuffers - before).toBeGreaterThanOrEqual(4 * 576 * 1024);
    for (const ids of stores) {
      expect(ids.has(numbered(1))).toBe(true);
      expect(ids.note(numbered(1))).toBe(false);
    }
  });
});
