/**
 * Long-lived answers: /events, /logs?follow=1 and /tiers/<name>/logs?follow=1. All are fed by supervisor events,
 * end when the stack reports that it has shut down, and are ended by the server when it closes.
 *
 * A client that reads slower than the children write gets back-pressure, not drops: past a high-water mark of
 * unread bytes the stream holds the stack's output gate (the children's pipes pause, as for a slow stdout) until
 * the client has drained. A client that reads nothing for GIVE_UP_MS meanwhile (stopped with Ctrl-Z, say) is cut off,
 * abruptly, so that it can tell this from the stack's end (a complete answer) and say so; the stack then goes on.
 */
import type { ServerResponse } from 'node:http';
import { fullFragmentText } from '../supervisor/fragments.js';
import type { OutputGate } from '../supervisor/output-gate.js';
import type { SupervisorControl, SupervisorEvent } from '../supervisor/types.js';
import { HELLO_LOG_LINES, type EventStreamMessage, type LogLine, type OutputLine } from './protocol.js';
import type { StoredLogRecord } from '../receiver/model/types.js';
import type { LogStore } from '../receiver/store/log-store.js';

/** Unread bytes past which the stream holds the output gate until its client drains. */
const HIGH_WATER_BYTES = 1024 * 1024;
/** How long a client that holds the gate may read nothing before it is cut off. */
const GIVE_UP_MS = 10_000;
const PROGRESS_CHECK_MS = 500;
/** Beyond this many unread bytes a client is cut off at once (what arrives while the children are pausing). */
const MAX_UNREAD_BYTES = 64 * 1024 * 1024;
/** The hello's recent lines are bounded in bytes per tier too: 64 tiers of long lines must not make one huge line. */
const HELLO_BYTES_PER_TIER = 64 * 1024;
/** Snapshots on /events also go out this often, for what changes without an event (telemetry counters). */
const SNAPSHOT_EVERY_MS = 2000;

/** Every open stream, so closing the server can end them all. */
export class StreamSet {
  private readonly open = new Set<() => void>();

  add(end: () => void): () => void {
    this.open.add(end);
    return () => this.open.delete(end);
  }

  endAll(): void {
    for (const end of [...this.open]) end();
  }
}

interface Stream {
  write(text: string): void;
  end(): void;
}

/**
 * Starts a streaming answer; `onEnd` runs exactly once, whoever ends it (the stack, the server, or the client
 * going away).
 */
function openStream(res: ServerResponse, streams: StreamSet, contentType: string, onEnd: () => void, gate?: OutputGate): Stream {
  res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.flushHeaders();
  let ended = false;
  const pressure = new Backpressure(res, gate, () => {
    finish();
    res.destroy();
  });
  const finish = () => {
    if (ended) return;
    ended = true;
    pressure.release();
    forget();
    onEnd();
  };
  const end = () => {
    finish();
    res.end();
  };
  const forget = streams.add(end);
  // The response's close (not the request's: that fires once its empty body is read) means the client went away.
  res.on('close', finish);
  return {
    write(text) {
      if (ended) return;
      res.write(text);
      pressure.check();
    },
    end,
  };
}

/**
 * One stream's hold on the output gate while its client is behind, and the bound on how long it may hold it: the
 * client is cut off once it has read nothing for GIVE_UP_MS (a slow reader that keeps reading is waited for).
 */
class Backpressure {
  private holding = false;
  private watch?: NodeJS.Timeout;
  private unread = 0;
  private progressAt = 0;

  constructor(
    private readonly res: ServerResponse,
    private readonly gate: OutputGate | undefined,
    private readonly cutOff: () => void,
  ) {}

  check(): void {
    const unread = this.res.writableLength;
    if (unread > MAX_UNREAD_BYTES) return this.cutOff();
    // Without a gate the stream holds nothing back (an answer without follow): its client may take its time.
    if (this.holding || unread <= HIGH_WATER_BYTES || !this.gate) return;
    this.holding = true;
    this.gate?.hold();
    this.unread = unread;
    this.progressAt = Date.now();
    this.watch = setInterval(() => this.checkProgress(), PROGRESS_CHECK_MS);
    this.watch.unref();
    this.res.once('drain', () => this.release());
  }

  private checkProgress(): void {
    const unread = this.res.writableLength;
    if (unread < this.unread) this.progressAt = Date.now();
    this.unread = unread;
    if (Date.now() - this.progressAt >= GIVE_UP_MS) this.cutOff();
  }

  release(): void {
    if (!this.holding) return;
    this.holding = false;
    clearInterval(this.watch);
    this.gate?.release();
  }
}

const isShutdownEnd = (event: SupervisorEvent) => event.type === 'shutdown' && event.phase === 'end';

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
  const stream = openStream(
    res,
    streams,
    'application/x-ndjson; charset=utf-8',
    () => {
      unsubscribe();
      clearInterval(timer);
    },
    control.output,
  );
  const snapshot = control.snapshot();
  const logs: Record<string, OutputLine[]> = {};
  for (const tier of snapshot.tiers) logs[tier.name] = helloLines(control, tier.name);
  send({ kind: 'hello', snapshot, logs });
  if (snapshot.shuttingDown && snapshot.tiers.every((tier) => tier.pid === undefined)) {
    // Connected after the end: there is nothing more to follow.
    stream.end();
  }
}

/**
 * A fragment's whole text (up to 1 MiB), decoded once for all the followers of its event rather than once each; it
 * goes with the event's bytes.
 */
const wholeFragments = new WeakMap<readonly Buffer[], string>();
function wholeFragment(bytes: readonly Buffer[]): string {
  let text = wholeFragments.get(bytes);
  if (text === undefined) wholeFragments.set(bytes, (text = fullFragmentText(bytes)));
  return text;
}

export type LogFormat = 'text' | 'ndjson';

const formatLine = (format: LogFormat, line: LogLine) => (format === 'text' ? `${line.line}\n` : `${JSON.stringify(line)}\n`);

/** What a log stream shows: its recent lines, whose new lines, and how a received log record shows (if it does). */
export interface LogSelection {
  /** Oldest first, as they are to be sent. */
  recent: LogLine[];
  shows(tier: string): boolean;
  records?: { store: LogStore; line(record: StoredLogRecord): LogLine | undefined };
}

/** The recent lines go out in pieces of about this size, each once the client has taken most of the last. */
const RECENT_PIECE_CHARS = 64 * 1024;

/**
 * Recent lines, then (follow) every new one of the tiers shown until the stack shuts down. The recent lines are
 * written as the client takes them (a whole stack's are up to a MiB per tier): what comes meanwhile waits behind
 * them, no longer than the client is behind (its back-pressure holds the tiers).
 */
export function streamLogs(
  control: SupervisorControl,
  res: ServerResponse,
  streams: StreamSet,
  selection: LogSelection,
  options: { format: LogFormat; follow: boolean },
): void {
  const { format, follow } = options;
  let waiting: string[] | undefined = [];
  let endAfterRecent = !follow;
  const send = (text: string) => (waiting ? waiting.push(text) : stream.write(text));
  const unsubscribe = follow
    ? control.subscribe((event) => {
        if (event.type === 'log' && selection.shows(event.tier)) {
          // A fragment of an over-long line whole, from its bytes: the follower asked for every line.
          const lines = event.cut && event.bytes ? [wholeFragment(event.bytes)] : event.lines;
          const cut = event.cut ? { cut: event.cut } : {};
          send(lines.map((line) => formatLine(format, { tier: event.tier, stream: event.stream, line, at: event.at, ...cut })).join(''));
        } else if (isShutdownEnd(event)) {
          if (waiting) endAfterRecent = true;
          else stream.end();
        }
      })
    : undefined;
  const records = follow ? selection.records : undefined;
  const unsubscribeRecords = records?.store.subscribe((batch) => {
    const text = batch.map((record) => records.line(record)).map((line) => (line ? formatLine(format, line) : '')).join('');
    if (text !== '') send(text);
  });
  const contentType = format === 'text' ? 'text/plain; charset=utf-8' : 'application/x-ndjson; charset=utf-8';
  const stream = openStream(
    res,
    streams,
    contentType,
    () => {
      unsubscribe?.();
      unsubscribeRecords?.();
    },
    // Without follow nothing live waits behind a slow client: it holds no tier back.
    follow ? control.output : undefined,
  );
  let next = 0;
  const writeRecent = (): void => {
    while (next < selection.recent.length) {
      if (res.destroyed || res.writableEnded) return;
      let piece = '';
      while (next < selection.recent.length && piece.length < RECENT_PIECE_CHARS) piece += formatLine(format, selection.recent[next++]!);
      stream.write(piece);
      if (res.writableLength > HIGH_WATER_BYTES) return void res.once('drain', writeRecent);
    }
    const queued = waiting!;
    waiting = undefined;
    if (queued.length > 0) stream.write(queued.join(''));
    if (endAfterRecent) stream.end();
  };
  writeRecent();
}

/** The recent lines only, as one answer. */
export function sendLogs(res: ServerResponse, lines: LogLine[], format: LogFormat): void {
  const text = lines.map((line) => formatLine(format, line)).join('');
  const contentType = format === 'text' ? 'text/plain; charset=utf-8' : 'application/x-ndjson; charset=utf-8';
  res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
