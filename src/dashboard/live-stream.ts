/**
 * The page's live stream (server-sent events): a snapshot whenever a tier changes state (at most every 250 ms) and
 * every 2 s, and new output lines in batches every 150 ms. One batch is built for all pages; a page that stops
 * reading is cut off (its EventSource reconnects and catches up from the last line it has), never buffered without
 * bound.
 */
import type { ServerResponse } from 'node:http';
import type { SupervisorControl } from '../supervisor/types.js';
import type { LogRing } from './log-ring.js';
import type { UsageSeries } from './usage-series.js';
import type { StreamMessage } from './wire.js';

const SNAPSHOT_EVERY_MS = 2000;
const SNAPSHOT_AFTER_CHANGE_MS = 250;
const LOG_BATCH_MS = 150;
const MAX_UNREAD_BYTES = 8 * 1024 * 1024;

export class LiveStream {
  private readonly clients = new Set<ServerResponse>();
  private sentUpTo: number;
  /** The ring's revision as of the last batch: its changes in place after it go with the next. */
  private sentRevision: number;
  /** How many tiers the ring had dropped lines of (olderOnDisk) as of the last batch: the set only grows. */
  private sentOlder: number;
  private readonly timers: NodeJS.Timeout[] = [];
  private snapshotDue: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly control: SupervisorControl,
    private readonly ring: LogRing,
    private readonly usage: UsageSeries,
  ) {
    this.sentUpTo = ring.next;
    this.sentRevision = ring.revision;
    this.sentOlder = ring.olderOnDisk.size;
    this.unsubscribe = control.subscribe((event) => {
      if (event.type !== 'log') this.snapshotSoon();
    });
    const every = (ms: number, run: () => void) => {
      const timer = setInterval(run, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(SNAPSHOT_EVERY_MS, () => this.sendSnapshot());
    every(LOG_BATCH_MS, () => this.sendLogs());
  }

  /** A new page: headers, then the current snapshot at once. */
  open(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write('retry: 1000\n\n');
    this.clients.add(res);
    this.usage.setActive(true);
    res.on('close', () => {
      this.clients.delete(res);
      if (this.clients.size === 0) this.usage.setActive(false);
    });
    this.write(res, this.snapshotMessage());
  }

  private snapshotMessage(): string {
    const message: StreamMessage = { kind: 'snapshot', snapshot: this.control.snapshot(), usage: this.usage.now(), now: Date.now() };
    return `data: ${JSON.stringify(message)}\n\n`;
  }

  private write(res: ServerResponse, text: string): void {
    res.write(text);
    if (res.writableLength > MAX_UNREAD_BYTES) res.destroy();
  }

  private broadcast(text: string): void {
    for (const res of this.clients) this.write(res, text);
  }

  private snapshotSoon(): void {
    if (this.snapshotDue || this.clients.size === 0) return;
    this.snapshotDue = setTimeout(() => {
      this.snapshotDue = undefined;
      this.sendSnapshot();
    }, SNAPSHOT_AFTER_CHANGE_MS);
    this.snapshotDue.unref();
  }

  private sendSnapshot(): void {
    if (this.clients.size > 0) this.broadcast(this.snapshotMessage());
  }

  /** New lines, and the lines sent before that changed in place (a fragment joined to the rest of its line). */
  private sendLogs(): void {
    const { revision } = this.ring;
    if (this.ring.next === this.sentUpTo && revision === this.sentRevision) return;
    const from = this.sentUpTo;
    const changedAfter = this.sentRevision;
    this.sentUpTo = this.ring.next;
    this.sentRevision = revision;
    // No page open: nothing to build (a page that opens later asks /api/logs for what it missed).
    if (this.clients.size === 0) return;
    const lines = this.ring.since(from);
    const updated = this.ring.updatedSince(changedAfter, from);
    if (lines.length === 0 && updated.length === 0) return;
    const message: StreamMessage = updated.length > 0 ? { kind: 'logs', lines, updated, revision } : { kind: 'logs', lines, revision };
    // A tier whose oldest lines the ring just dropped: the Logs page's hint names it from now on.
    if (this.ring.olderOnDisk.size > this.sentOlder) {
      this.sentOlder = this.ring.olderOnDisk.size;
      message.olderOnDisk = [...this.ring.olderOnDisk].sort();
    }
    this.broadcast(`data: ${JSON.stringify(message)}\n\n`);
  }

  close(): void {
    this.unsubscribe();
    for (const timer of this.timers) clearInterval(timer);
    if (this.snapshotDue) clearTimeout(this.snapshotDue);
    // The stack's last word (shuttingDown, every tier stopped): a page then tells a shutdown from a land gone
    // without one (client/stopped-root.ts).
    this.sendSnapshot();
    for (const res of this.clients) res.end();
    this.clients.clear();
    this.usage.close();
  }
}
