/**
 * An idle stack does no needless work: once its tiers are up and nothing happens, land collects its start-up garbage
 * with one reducing mark-compact, not the two or three V8's memory reducer runs by default (the second frees nothing
 * on an idle stack and costs as much as the first: bin/land.js). Observed in the real `land up` through
 * V8's own trace of its collections. `--gc-memory-reducer-start-delay-ms` only brings the reducer's first look
 * forward (from 8 s), so the test does not wait as long.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { LAND_BIN, makeProject, removeProjects } from '../helpers/land.js';

afterAll(removeProjects);

const IDLE_TIER = ['node', '-e', 'setInterval(() => {}, 1 << 30)'];
const REDUCING_GC = /Mark-Compact \(reduce\)/g;

// The two stacks are apart (each counts only its own land) and mostly wait: they run side by side.
describe.concurrent('an idle stack', () => {
  it('runs one reducing collection of its start-up garbage, and no more', async () => {
    const dir = makeProject({ config: { tiers: { a: { command: IDLE_TIER }, b: { command: IDLE_TIER } } } });
    const args = ['--trace-gc', '--gc-memory-reducer-start-delay-ms=100', LAND_BIN, 'up', '--no-tui'];
    const proc = spawn(process.execPath, args, { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
    proc.stderr.setEncoding('utf8').on('data', (text: string) => (output += text));
    const exited = new Promise<number | null>((done) => proc.once('close', done));
    const reducing = () => output.match(REDUCING_GC)?.length ?? 0;
    try {
      // The reducer looks 0.1 s after start-up grew the heap, then 8 s later (an allocation rate needs two looks).
      const deadline = Date.now() + 60_000;
      while (reducing() === 0 && Date.now() < deadline && proc.exitCode === null) await sleep(100);
      expect(output).toMatch(/\| b: \S+ → ready/);
      expect(reducing(), output).toBe(1);
      // A second one would follow 0.5 s after the first (V8's short delay): wait well past it.
      await sleep(4_000);
      expect(reducing(), output).toBe(1);
    } finally {
      proc.kill('SIGINT');
      expect(await exited).toBe(0);
    }
  }, 90_000);

  // Each wake-up of an idle process costs CPU whatever it does (docs/decisions.md, "An idle stack, seventh wave"):
  // the parent watch and the optimizer's busy watch share one a second (src/runtime/heartbeat.ts), where they woke
  // land three times a second. Counted by the kernel: the main thread's runs (/proc/<pid>/schedstat's third field).
  // V8's memory reducer is off here, so its incremental steps (tasks of their own) do not fall in the window.
  it('wakes about once a second while nothing happens', async () => {
    const dir = makeProject({ config: { tiers: { a: { command: IDLE_TIER }, b: { command: IDLE_TIER } } } });
    const args = ['--no-memory-reducer', LAND_BIN, 'up', '--no-tui'];
    const proc = spawn(process.execPath, args, { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
    proc.stderr.setEncoding('utf8').on('data', (text: string) => (output += text));
    const exited = new Promise<number | null>((done) => proc.once('close', done));
    const runs = () => Number(readFileSync(`/proc/${proc.pid}/schedstat`, 'utf8').split(' ')[2]);
    try {
      const deadline = Date.now() + 60_000;
      while (!/\| b: \S+ → ready/.test(output) && Date.now() < deadline && proc.exitCode === null) await sleep(100);
      expect(output).toMatch(/\| b: \S+ → ready/);
      await sleep(3_000); // what follows the first wave: the record file's flush, the span sink's load
      const before = runs();
      await sleep(8_000);
      const woke = runs() - before;
      // 8 heartbeats and a few runs the scheduler splits; three wake-ups a second would be 24 and more.
      expect(woke, output).toBeLessThanOrEqual(15);
    } finally {
      proc.kill('SIGINT');
      expect(await exited).toBe(0);
    }
  }, 90_000);
});
