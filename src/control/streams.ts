/**
 * Long-lived answers: /events here, /logs and /tiers/<name>/logs?follow=1 in log-stream.ts. All end when the stack
 * reports that it has shut down, and are ended by the server when it closes.
 *
 * A client that reads slower than the children write gets back-pressure, not drops: past a high-water mark of
 * unread bytes a follower holds the stack's output gate (the children's pipes pause, as for a slow stdout) until
 * the client has drained. A client behind that reads nothing for GIVE_UP_MS (stopped with Ctrl-Z, say) is cut off,
 * abruptly, so that it can tell this from the stack's end (a complete answer) and say so; the stack then goes on.
 */
import type { ServerResponse } from 'node:http';
import type { OutputGate } from '../supervisor/output-gate.js';
import type { SupervisorControl, SupervisorEvent } from '../supervisor/types.js';
import { HELLO_LOG_LINES, type EventStreamMessage, type OutputLine } from './protocol.js';
import { steadyNow } from '../runtime/steady-clock.js';

/** Unread bytes past which the stream holds the output gate until its client drains. */
const HIGH_WATER_BYTES = 1024 * 1024;
/** How long a client that is behind may read nothing before it is cut off. */
const GIVE_UP_MS = 10_000;
const PROGRESS_CHECK_MS = 500;
/** Beyond this many unread bytes a client is cut off at once (what arrives while the children are pausing). */
export const MAX_UNREAD_BYTES = 64 * 1024 * 1024;
/** The hello's recent lines are bounded in bytes per tier too: 64 tiers of long lines must not make one huge line. */
const HELLO_BYTES_PER_TIER = 64 * 1024;
/** Snapshots on /events also go out this often, for what changes without an event (telemetry counters). */
const SNAPSHOT_EVERY_MS = 2000;

/** Every open stream, so closing the server can end them all. */
export class StreamSet {
  private readonly open = new Set<() => void>();

  /** `close`: what the server's close does to the stream (end it, or have it send what it owes first). */
  add(close: () => void): () => void {
    this.open.add(close);
    return () => this.open.delete(close);
  }

  endAll(): void {
    for (const close of [...this.open]) close();
  }
}

export interface Stream {
  /** False when the client has more than the socket's high-water mark to take (as a stream's write). */
  write(text: string): boolean;
  /** `then` once the client has taken what it was sent; meanwhile, past HIGH_WATER_BYTES unread, it is behind. */
  whenDrained(then: () => void): void;
  /** Whether the client is now behind: after the stream took on more for it without writing it. */
  check(): void;
  /** Cut off: the client reads an incomplete answer. */
  cutOff(): void;
  end(): void;
}

interface StreamOptions {
  /** Runs exactly once, whoever ends the stream (the stack, the server, or the client going away). */
  onEnd: () => void;
  /** Held while the client is behind (a follower: what it is sent holds tiers back). */
  gate?: OutputGate;
  /** At the server's close, instead of ending at once: the stream sends what it owes, then ends (the close waits). */
  onClose?: () => void;
  /** Checked while the client is behind: true cuts it off (it keeps too much alive). */
  tooCostly?: () => boolean;
  /**
   * What the client has still to take, in bytes (behind past HIGH_WATER_BYTES): the socket's unsent ones, and what the
   * stream holds back for it (MAX_UNREAD_BYTES is its own to check: its recent lines are not a copy).
   */
  unread?: () => number;
  /** A trailer the stream may end with (declared in the head, as HTTP asks): why it ended, when not the stack's end. */
  trailer?: string;
}

/** Starts a streaming answer. */
export function openStream(res: ServerResponse, streams: StreamSet, contentType: string, options: StreamOptions): Stream {
  res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store', ...(options.trailer ? { trailer: options.trailer } : {}) });
  res.flushHeaders();
  let ended = false;
  const cutOff = () => {
    finish();
    res.destroy();
  };
  const pressure = new Backpressure(res, options, cutOff);
  const finish = () => {
    if (ended) return;
    ended = true;
    pressure.release();
    forget();
    options.onEnd();
  };
  const end = () => {
    finish();
    res.end();
  };
  const forget = streams.add(options.onClose ?? end);
  // The response's close (not the request's: that fires once its empty body is read) means the client went away.
  res.on('close', finish);
  return {
    write(text) {
      if (res.writableEnded || res.destroyed) return false;
      const more = res.write(text);
      pressure.check();
      return more;
    },
    whenDrained(then) {
      // After the check: its own listener (letting go of the gate) runs first, and `then` may take it again.
      pressure.check();
      res.once('drain', then);
    },
    check: () => pressure.check(),
    cutOff,
    end,
  };
}

/**
 * One stream's hold on the output gate while its client is behind (a follower's), and the bound on how long any
 * client may stay behind without reading: cut off once it has read nothing for GIVE_UP_MS (a slow reader that keeps
 * reading is waited for).
 */
class Backpressure {
  private behind = false;
  private watch?: NodeJS.Timeout;
  private unread = 0;
  private progressAt = 0;
  private readonly unreadNow: () => number;

  constructor(
    private readonly res: ServerResponse,
    private readonly options: Pick<StreamOptions, 'gate' | 'tooCostly' | 'unread'>,
    private readonly cutOff: () => void,
  ) {
    this.unreadNow = options.unread ?? (() => res.writableLength);
  }

  /** After a write, or before waiting for the client to drain. */
  check(): void {
    if (this.res.writableLength > MAX_UNREAD_BYTES) return this.cutOff();
    const unread = this.unreadNow();
    if (this.behind || unread <= HIGH_WATER_BYTES) return;
    this.behind = true;
    // Without a gate (no follow) nothing live waits behind the client: it holds no tier back, only its own answer.
    this.options.gate?.hold();
    this.unread = unread;
    this.progressAt = steadyNow();
    this.watch = setInterval(() => this.checkProgress(), PROGRESS_CHECK_MS);
    this.watch.unref();
    this.res.once('drain', () => this.release());
  }

  private checkProgress(): void {
    const unread = this.unreadNow();
    if (unread < this.unread) this.progressAt = steadyNow();
    this.unread = unread;
    if (steadyNow() - this.progressAt >= GIVE_UP_MS || this.options.tooCostly?.()) this.cutOff();
  }

  release(): void {
    if (!this.behind) return;
    this.behind = false;
    clearInterval(this.watch);
    this.options.gate?.release();
  }
}

export const isShutdownEnd = (event: SupervisorEvent) => event.type === 'shutdown' && event.phase === 'end';

/** An event as clients receive it: a log event's lines without the bytes they were read as (land's printer's). */
function onTheWire(event: SupervisorEvent): SupervisorEvent {
  if (event.type !== 'log') return event;
  const { type, tier, stream, lines, at, cut } = event;
  // `cut`: a client that holds lines (`land attach`'s UI) joins a line's fragments as the UI here does.
  return cut ? { type, tier, stream, lines, at, cut } : { type, tier, stream, lines, at };
}

/** A tier's newest lines for the hello: at most HELLO_LOG_LINES and HELLO_BYTES_PER_TIER (the newest line always). */
function helloLines(control: SupervisorControl, tier: string): OutputLine[] {
  const entries = control.logs(tier, HELLO_LOG_LINES);
  let bytes = 0;
  let first = entries.length;
  while (first > 0) {
    bytes += entries[first - 1]!.line.length;
    if (bytes > HELLO_BYTES_PER_TIER && first < entries.length) break;
    first -= 1;
  }
  return entries.slice(first).map((entry) => ({ tier, ...entry }));
}

export function streamEvents(control: SupervisorControl, res: ServerResponse, streams: StreamSet): void {
  const send = (message: EventStreamMessage) => stream.write(`${JSON.stringify(message)}\n`);
  let snapshotDue = false;
  const sendSnapshotSoon = () => {
    if (snapshotDue) return;
    snapshotDue = true;
    setImmediate(() => {
      snapshotDue = false;
      send({ kind: 'snapshot', snapshot: control.snapshot() });
    });
  };
  const timer = setInterval(sendSnapshotSoon, SNAPSHOT_EVERY_MS);
  timer.unref();
  // Subscribe and read the snapshot in the same tick: events are emitted synchronously, so none falls between.
  const unsubscribe = control.subscribe((event) => {
    send({ kind: 'event', event: onTheWire(event) });
    if (isShutdownEnd(event)) {
      send({ kind: 'snapshot', snapshot: control.snapshot() });
      stream.end();
    } else if (event.type !== 'log') sendSnapshotSoon();
  });
  const stream = openStream(res, streams, 'application/x-ndjson; charset=utf-8', {
    onEnd: () => {
      unsubscribe();
      clearInterval(timer);
    },
    gate: control.output,
  });
  const snapshot = control.snapshot();
  const logs: Record<string, OutputLine[]> = {};
  for (const tier of snapshot.tiers) logs[tier.name] = helloLines(control, tier.name);
  send({ kind: 'hello', snapshot, logs });
  if (snapshot.shuttingDown && snapshot.tiers.every((tier) => tier.pid === undefined)) {
    // Connected after the end: there is nothing more to follow.
    stream.end();
  }
}
