/**
 * Long-lived answers: /events and /tiers/<name>/logs?follow=1. Both are fed by supervisor events, end when the stack
 * reports that it has shut down, and are ended by the server when it closes. A client that stops reading is cut off
 * rather than letting land's memory grow.
 */
import type { ServerResponse } from 'node:http';
import type { SupervisorControl, SupervisorEvent } from '../supervisor/types.js';
import { HELLO_LOG_LINES, type EventStreamMessage, type LogLine, type OutputLine } from './protocol.js';
import { recordLine, withRecords, type RecordSource } from './record-lines.js';

/** Beyond this many unread bytes a streaming client is dropped. */
const MAX_UNREAD_BYTES = 4 * 1024 * 1024;
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
function openStream(res: ServerResponse, streams: StreamSet, contentType: string, onEnd: () => void): Stream {
  res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.flushHeaders();
  let ended = false;
  const finish = () => {
    if (ended) return;
    ended = true;
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
      if (res.writableLength > MAX_UNREAD_BYTES) {
        finish();
        res.destroy();
      }
    },
    end,
  };
}

const isShutdownEnd = (event: SupervisorEvent) => event.type === 'shutdown' && event.phase === 'end';

/** An event as clients receive it: a log event's lines without the bytes they were read as (land's printer's). */
function onTheWire(event: SupervisorEvent): SupervisorEvent {
  if (event.type !== 'log') return event;
  const { type, tier, stream, lines, at } = event;
  return { type, tier, stream, lines, at };
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
  const stream = openStream(res, streams, 'application/x-ndjson; charset=utf-8', () => {
    unsubscribe();
    clearInterval(timer);
  });
  const snapshot = control.snapshot();
  const logs: Record<string, OutputLine[]> = {};
  for (const tier of snapshot.tiers) {
    logs[tier.name] = control.logs(tier.name, HELLO_LOG_LINES).map((entry) => ({ tier: tier.name, ...entry }));
  }
  send({ kind: 'hello', snapshot, logs });
  if (snapshot.shuttingDown && snapshot.tiers.every((tier) => tier.pid === undefined)) {
    // Connected after the end: there is nothing more to follow.
    stream.end();
  }
}

export type LogFormat = 'text' | 'ndjson';

const formatLine = (format: LogFormat, line: LogLine) => (format === 'text' ? `${line.line}\n` : `${JSON.stringify(line)}\n`);

/** A tier's recent lines, then (follow) every new one until the stack shuts down. Throws for an unknown tier. */
export function streamLogs(
  control: SupervisorControl,
  res: ServerResponse,
  streams: StreamSet,
  options: { tier: string; limit?: number; format: LogFormat; records?: RecordSource },
): void {
  const { tier, format, records } = options;
  const recent = withRecords(
    control.logs(tier, options.limit).map((entry) => ({ tier, ...entry })),
    tier,
    records,
    options.limit,
  );
  const unsubscribe = control.subscribe((event) => {
    if (event.type === 'log' && event.tier === tier) {
      stream.write(event.lines.map((line) => formatLine(format, { tier, stream: event.stream, line, at: event.at })).join(''));
    } else if (isShutdownEnd(event)) stream.end();
  });
  const unsubscribeRecords = records?.store.subscribe((batch) => {
    const mine = batch.filter((record) => record.tier === records.tier);
    if (mine.length > 0) stream.write(mine.map((record) => formatLine(format, recordLine(tier, record))).join(''));
  });
  const contentType = format === 'text' ? 'text/plain; charset=utf-8' : 'application/x-ndjson; charset=utf-8';
  const stream = openStream(res, streams, contentType, () => {
    unsubscribe();
    unsubscribeRecords?.();
  });
  stream.write(recent.map((line) => formatLine(format, line)).join(''));
}

/** The recent lines only, as one answer. */
export function sendLogs(res: ServerResponse, lines: LogLine[], format: LogFormat): void {
  const text = lines.map((line) => formatLine(format, line)).join('');
  const contentType = format === 'text' ? 'text/plain; charset=utf-8' : 'application/x-ndjson; charset=utf-8';
  res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
