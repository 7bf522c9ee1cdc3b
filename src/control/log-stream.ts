/**
 * The answers of /logs and /tiers/<name>/logs: the recent lines of a selection (log-selection.ts), written as the
 * client takes them, then with follow every new line of the tiers shown until the stack shuts down.
 *
 * What a stream owes is sent before it ends, also when the stack stops or the server closes meanwhile: the server's
 * close waits for it within its bounds (drain.ts), and a client that does not take it in time is cut off, so that
 * it can tell a short answer from a whole one (exit 6), never a clean end with lines missing.
 */
import type { ServerResponse } from 'node:http';
import { fullFragmentText } from '../supervisor/fragments.js';
import type { SupervisorControl } from '../supervisor/types.js';
import { allLines, type LineSource } from './line-sources.js';
import type { LogSelection } from './log-selection.js';
import { END_TRAILER, type LogLine } from './protocol.js';
import { isShutdownEnd, MAX_UNREAD_BYTES, openStream, type StreamSet } from './streams.js';

/** The recent lines go out in pieces of about this size, each once the client has taken most of the last. */
const PIECE_CHARS = 64 * 1024;
/**
 * Lines a client has not been sent yet that its tiers no longer keep (they wrote on meanwhile) live on for that
 * client alone: past this many bytes of them, whatever the number of tiers, it is cut off.
 */
const MAX_PINNED_BYTES = 4 * 1024 * 1024;

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
const contentTypeOf = (format: LogFormat) => (format === 'text' ? 'text/plain; charset=utf-8' : 'application/x-ndjson; charset=utf-8');

/**
 * Recent lines, then (follow) every new one of the tiers shown until the stack shuts down, or (`followed`: the names
 * asked for, an instance or a tier's replicas) until `land apply` or `land scale` has removed every instance they
 * name: the stream then ends with END_TRAILER saying so. Everything is written a
 * piece at a time, the next once the client has taken the last (so a write in flight is small, and a close that
 * waits for a reader sees its progress): a whole stack's recent lines are up to a MiB per tier. New lines that come
 * meanwhile wait behind them, no longer than the client is behind (a follower behind holds the tiers back).
 */
export function streamLogs(
  control: SupervisorControl,
  res: ServerResponse,
  streams: StreamSet,
  selection: LogSelection,
  options: { format: LogFormat; follow: boolean; followed?: readonly string[] },
): void {
  const { format, follow, followed } = options;
  const owed = new Owed(selection.recent, format);
  let waiting = false;
  let endWhenSent = !follow;
  const send = (text: string) => {
    owed.add(text);
    if (owed.chars > MAX_UNREAD_BYTES) stream.cutOff();
    else if (waiting) stream.check();
    else flush();
  };
  const unsubscribe = follow
    ? control.subscribe((event) => {
        if (event.type === 'log' && selection.shows(event.tier)) {
          // A fragment of an over-long line whole, from its bytes: the follower asked for every line.
          const lines = event.cut && event.bytes ? [wholeFragment(event.bytes)] : event.lines;
          const cut = event.cut ? { cut: event.cut } : {};
          send(lines.map((line) => formatLine(format, { tier: event.tier, stream: event.stream, line, at: event.at, ...cut })).join(''));
        } else if (isShutdownEnd(event)) finishOwed();
        else if (event.type === 'removed' && followed && selection.shows(event.tier) && !showsAny(control, selection, event.replacedBy)) {
          // The last instance of those named left: their lines will not come again. What is owed goes, then the end
          // says why.
          res.addTrailers({ [END_TRAILER]: `${followed.join(', ')} ${followed.length === 1 ? 'was' : 'were'} ${event.reason}` });
          finishOwed();
        }
      })
    : undefined;
  const records = follow ? selection.records : undefined;
  const unsubscribeRecords = records?.store.subscribe((batch) => {
    const text = batch.map((record) => records.line(record)).map((line) => (line ? formatLine(format, line) : '')).join('');
    if (text !== '') send(text);
  });
  let following = follow;
  const stopFollowing = () => {
    if (!following) return;
    following = false;
    unsubscribe?.();
    unsubscribeRecords?.();
  };
  /** The stack stopped, or the server closes: nothing more comes; what is owed still goes, then the end. */
  function finishOwed(): void {
    stopFollowing();
    endWhenSent = true;
    if (!waiting) flush();
  }
  const stream = openStream(res, streams, contentTypeOf(format), {
    onEnd: stopFollowing,
    // Without follow nothing live waits behind a slow client: it holds no tier back.
    gate: follow ? control.output : undefined,
    onClose: finishOwed,
    tooCostly: () => owed.pinnedBytes() > MAX_PINNED_BYTES,
    unread: () => res.writableLength + owed.bytes(),
    ...(followed === undefined ? {} : { trailer: END_TRAILER }),
  });
  function flush(): void {
    waiting = false;
    for (;;) {
      if (res.destroyed || res.writableEnded) return;
      if (owed.pinnedBytes() > MAX_PINNED_BYTES) return stream.cutOff();
      const piece = owed.piece();
      if (piece === '') break;
      if (!stream.write(piece)) {
        waiting = true;
        return stream.whenDrained(flush);
      }
    }
    if (endWhenSent) stream.end();
  }
  flush();
}

/**
 * Whether an instance the selection shows is still in the stack (`land scale` removing a replica leaves the others),
 * or is one `land apply` is making instead of the one removed (`web` gaining replicas: `land logs web -f` goes on).
 */
function showsAny(control: SupervisorControl, selection: LogSelection, replacedBy: readonly string[] = []): boolean {
  return replacedBy.some((name) => selection.shows(name)) || control.snapshot().tiers.some((tier) => selection.shows(tier.name));
}

/** What a stream still has to send: the recent lines it was asked for, then the new lines that came meanwhile. */
class Owed {
  private readonly queued: string[] = [];
  private next = 0;
  private recentDone = false;
  /** Characters queued. */
  chars = 0;

  constructor(
    private readonly recent: LineSource,
    private readonly format: LogFormat,
  ) {}

  add(text: string): void {
    this.queued.push(text);
    this.chars += text.length;
  }

  /** The next piece of about PIECE_CHARS (a longer line whole); empty when nothing is owed. */
  piece(): string {
    let piece = '';
    while (!this.recentDone && piece.length < PIECE_CHARS) {
      const line = this.recent.next();
      if (line) piece += formatLine(this.format, line);
      else this.recentDone = true;
    }
    while (piece.length < PIECE_CHARS && this.next < this.queued.length) {
      const text = this.queued[this.next]!;
      piece += text;
      this.chars -= text.length;
      this.queued[this.next++] = '';
    }
    if (this.next === this.queued.length) {
      this.queued.length = 0;
      this.next = 0;
    }
    return piece;
  }

  pinnedBytes(): number {
    return this.recentDone ? 0 : this.recent.pinnedBytes();
  }

  /** About how many bytes are owed. */
  bytes(): number {
    return this.chars + (this.recentDone ? 0 : this.recent.leftBytes());
  }
}

/** The recent lines only, as one answer (one tier's: at most what its ring keeps). */
export function sendLogs(res: ServerResponse, selection: LogSelection, format: LogFormat): void {
  const text = allLines(selection.recent)
    .map((line) => formatLine(format, line))
    .join('');
  res.writeHead(200, { 'content-type': contentTypeOf(format), 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
