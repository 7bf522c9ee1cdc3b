/**
 * Old boots' folders go once this boot's first child is spawned, at its shutdown, or 1.5 s in, whichever is first
 * (src/supervisor/retention.ts): never ahead of the children, and never not at all.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pruneBootsAfterFirstSpawn } from '../../src/supervisor/retention.js';

const OLD = ['20261201T000000000Z-aaaaaa', '20261202T000000000Z-bbbbbb', '20261203T000000000Z-cccccc'];
const CURRENT = '20261206T000000000Z-dddddd';
const roots: string[] = [];

afterEach(() => {
  vi.useRealTimers();
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A project whose .land holds three old boots and the current one, in logs and telemetry. */
function project(): string {
  const root = mkdtempSync(join(tmpdir(), 'land-retention-'));
  roots.push(root);
  for (const folder of ['logs', 'telemetry']) {
    for (const boot of [...OLD, CURRENT]) {
      mkdirSync(join(root, '.land', folder, boot), { recursive: true });
      writeFileSync(join(root, '.land', folder, boot, 'data'), 'x');
    }
  }
  return root;
}

const boots = (root: string, folder = 'logs') => readdirSync(join(root, '.land', folder)).sort();

/** The supervisor's side: listeners that events are published to. */
function events() {
  const listeners = new Set<(event: { type: string }) => void>();
  return {
    subscribe(listener: (event: { type: string }) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit: (type: string) => [...listeners].forEach((listener) => listener({ type })),
    listening: () => listeners.size,
  };
}

describe('removing old boots after the first spawn', () => {
  it('waits for the first spawn, then keeps keepBoots boots with this one, and stops listening', async () => {
    const root = project();
    const source = events();
    pruneBootsAfterFirstSpawn(source, root, 2, CURRENT);
    source.emit('state');
    await new Promise((resolve) => setImmediate(resolve));
    expect(boots(root)).toEqual([...OLD, CURRENT]);
    source.emit('spawn');
    // Not inside the spawn's own emit: after it.
    expect(boots(root)).toEqual([...OLD, CURRENT]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(boots(root)).toEqual([OLD[2], CURRENT]);
    expect(boots(root, 'telemetry')).toEqual([OLD[2], CURRENT]);
    expect(source.listening()).toBe(0);
  });

  it('prunes at the shutdown of a boot that spawned nothing', () => {
    const root = project();
    const source = events();
    pruneBootsAfterFirstSpawn(source, root, 1, CURRENT);
    source.emit('shutdown');
    expect(boots(root)).toEqual([CURRENT]);
    expect(source.listening()).toBe(0);
  });

  it('prunes 1.5 s in when no child has been spawned by then, once', () => {
    vi.useFakeTimers();
    const root = project();
    const source = events();
    pruneBootsAfterFirstSpawn(source, root, 2, CURRENT);
    vi.advanceTimersByTime(1499);
    expect(boots(root)).toEqual([...OLD, CURRENT]);
    vi.advanceTimersByTime(1);
    expect(boots(root)).toEqual([OLD[2], CURRENT]);
    expect(source.listening()).toBe(0);
    // A later boot folder (another land's) is not touched by a second pass: there is none.
    mkdirSync(join(root, '.land', 'logs', '20261204T000000000Z-eeeeee'));
    source.emit('shutdown');
    vi.advanceTimersByTime(5000);
    expect(boots(root)).toEqual([OLD[2], '20261204T000000000Z-eeeeee', CURRENT]);
  });
});
