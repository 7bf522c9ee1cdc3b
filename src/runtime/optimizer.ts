/**
 * V8's optimizing compiler (TurboFan) stays off in `land up` until land has real work: a supervisor of idle children
 * runs no hot code, and the first optimized function costs ~4 MB of resident memory (the compiler's own code pages
 * in the node binary and its zones) for nothing. The log relay turns it on at its first MiB, and a busy process
 * (the receiver, the dashboard, a large scale-up) within a second of being busy. See docs/decisions.md ("Memory").
 */
import { setV8Flag } from './v8-flags.js';

/** Relayed bytes after which the relay is a hot path worth optimizing. */
const RELAY_BYTES = 1024 * 1024;
/** CPU (user + system) in one second of the watch after which land is busy. */
const BUSY_CPU_US = 400_000;
const WATCH_MS = 1_000;

let lean = false;
let relayed = 0;
let watch: NodeJS.Timeout | undefined;

/** From now on V8 optimizes what runs hot, as it does by default. */
export function optimizeFromNow(): void {
  if (!lean) return;
  lean = false;
  setV8Flag('--opt');
  if (watch) clearInterval(watch);
  watch = undefined;
}

/** Keeps the optimizing compiler off until land is busy (bin/land.js turns it off for `land up`; once per process). */
export function startLean(): void {
  if (lean || watch) return;
  lean = true;
  // Already so when bin/land.js set it before loading: the flags' hash, and so the code cache, stay as they are.
  setV8Flag('--no-opt');
  let last = process.cpuUsage();
  watch = setInterval(() => {
    const now = process.cpuUsage();
    const used = now.user - last.user + now.system - last.system;
    last = now;
    if (used >= BUSY_CPU_US) optimizeFromNow();
  }, WATCH_MS);
  watch.unref();
}

/** The log relay counts what it relays: past RELAY_BYTES it is hot. One add and compare per read. */
export function noteRelayed(bytes: number): void {
  if (!lean) return;
  relayed += bytes;
  if (relayed >= RELAY_BYTES) optimizeFromNow();
}
