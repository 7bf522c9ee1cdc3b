/**
 * The page's copy of the stack's output lines: one run of consecutive lines, numbered as the server numbers them.
 * On connect it asks for the newest page only (the Logs page is useful at once, and the total is known from the
 * answer); the Logs page then has the older lines streamed in behind them, page by page (`loadOlder`), while the
 * live stream appends. No answer is built and no JSON parsed larger than a page (LOG_PAGE_MAX lines), so neither
 * land's event loop nor this page's main thread stalls on a long history.
 */
import { LOG_PAGE_MAX, type LineUpdate, type LogPage, type WireLine } from '../wire.js';
import { getJson, readNdjson } from './api.js';

/** Lines the page keeps (all tiers together); beyond it the oldest fifth is dropped at once. */
const MAX_LINES = 200_000;

export interface LinesState {
  /** Consecutive lines, numbered firstSeq, firstSeq + 1, …; grows by appending (and by prepending older pages). */
  lines: WireLine[];
  firstSeq: number;
  /** Older lines the server holds that this page has not loaded (yet). */
  older: number;
  /** The first answer has come: the count is known. */
  loaded: boolean;
  /** Lines this page dropped from the front to stay within its bound. */
  dropped: number;
  /** Tiers whose older lines are in their log files only (the server's word: each answer, and the live stream's). */
  olderOnDisk: string[];
  /** Bumped on every change. */
  version: number;
  /** Bumped when the lines are replaced as a whole (after a reconnect that missed more than the server kept). */
  epoch: number;
}

export class LogLines {
  state: LinesState = { lines: [], firstSeq: 0, older: 0, loaded: false, dropped: 0, olderOnDisk: [], version: 0, epoch: 0 };
  /** The oldest line the server holds, as of its last answer. */
  private serverOldest = 0;
  /** Lines numbered below this are not loaded again (this page dropped them). */
  private floor = 0;
  private started = false;
  private catchingUp?: Promise<void>;
  private historyWanted = false;
  private loadingOlder = false;
  /** The server ring's revision as of the newest answer or message applied: a catch-up asks for changes after it. */
  private revision = 0;
  /** The revision of the last change applied to each line changed in place (an older one arriving late is ignored). */
  private readonly lineRevisions = new Map<number, number>();

  constructor(private readonly changed: () => void) {}

  private get nextSeq(): number {
    return this.state.firstSeq + this.state.lines.length;
  }

  private publish(lines: WireLine[], firstSeq: number, changes: Partial<LinesState> = {}): void {
    const { version } = this.state;
    const older = Math.max(0, firstSeq - Math.max(this.serverOldest, this.floor));
    this.state = { ...this.state, ...changes, lines, firstSeq, older, version: version + 1 };
    this.changed();
  }

  /** On (re)connect: the newest page the first time, every line after the last one held after that. */
  catchUp(): Promise<void> {
    if (this.catchingUp) return this.catchingUp;
    const done: Promise<void> = this.fetchMissing()
      .then(() => {
        if (this.historyWanted) void this.loadOlder();
      })
      .catch((error: unknown) => {
        // The first answer never came: a quiet stack sends no line that would make the page ask again (a session
        // that has ended is the stream's to report).
        if (!this.started && (error as { status?: number }).status !== 401) setTimeout(() => void this.catchUp(), 1000);
      })
      .finally(() => (this.catchingUp = undefined));
    this.catchingUp = done;
    return done;
  }

  private async fetchMissing(): Promise<void> {
    if (!this.started) return this.restart();
    for (;;) {
      const page = await getJson<LogPage>(`/api/logs?since=${this.nextSeq}&limit=${LOG_PAGE_MAX}&updatedAfter=${this.revision}`);
      const first = page.lines[0]?.[0] ?? page.next;
      // The server no longer holds what came after our last line: start over from its newest page.
      if (first > this.nextSeq) return this.restart();
      this.serverOldest = page.oldest;
      this.olderOnDisk(page.olderOnDisk ?? []);
      this.append(page.lines);
      this.update(page.updated, page.revision);
      if (this.nextSeq >= page.next || page.lines.length === 0) return;
    }
  }

  private async restart(): Promise<void> {
    const page = await getJson<LogPage>(`/api/logs?limit=${LOG_PAGE_MAX}`);
    this.started = true;
    this.serverOldest = page.oldest;
    this.floor = 0;
    this.revision = page.revision ?? 0;
    this.lineRevisions.clear();
    this.publish(page.lines, page.lines[0]?.[0] ?? page.next, { loaded: true, dropped: 0, olderOnDisk: page.olderOnDisk ?? [], epoch: this.state.epoch + 1 });
  }

  /**
   * Lines from the live stream, and lines held already that changed in place (a fragment joined to the rest of its
   * line); those that arrive while catching up are applied after it (order by number).
   */
  receive(lines: WireLine[], updated?: LineUpdate[], revision?: number, olderOnDisk?: string[]): void {
    const apply = () => {
      if (olderOnDisk) this.olderOnDisk(olderOnDisk);
      this.append(lines);
      this.update(updated, revision);
    };
    if (this.catchingUp || !this.started) void this.catchUp().then(apply);
    else apply();
  }

  /** The tiers the server has dropped lines of, as it says now (a set that only grows there). */
  private olderOnDisk(tiers: string[]): void {
    if (tiers.length > this.state.olderOnDisk.length) this.publish(this.state.lines, this.state.firstSeq, { olderOnDisk: tiers });
  }

  /** Changes in place of lines this page holds, each applied unless a newer one of the same line was. */
  private update(updated: LineUpdate[] | undefined, revision: number | undefined): void {
    if (revision !== undefined) this.revision = Math.max(this.revision, revision);
    if (!updated?.length) return;
    const { lines, firstSeq } = this.state;
    let changed = false;
    for (const [seq, change, text] of updated) {
      const line = lines[seq - firstSeq];
      if (!line || change <= (this.lineRevisions.get(seq) ?? 0)) continue;
      this.lineRevisions.set(seq, change);
      lines[seq - firstSeq] = [line[0], line[1], line[2], line[3], text];
      changed = true;
    }
    if (changed) this.publish(lines, firstSeq);
  }

  private append(lines: WireLine[], fillHole = true): void {
    const next = this.nextSeq;
    const at = lines.findIndex((line) => line[0] >= next);
    if (at < 0) return;
    // A hole before these lines (not expected: the stream and the catch-up overlap): fetch it first, once (if that
    // fails, the reconnect's catch-up brings them).
    if (lines[at]![0] > next) {
      if (fillHole) void this.catchUp().then(() => this.append(lines, false));
      return;
    }
    let list = this.state.lines;
    let firstSeq = this.state.firstSeq;
    let dropped = this.state.dropped;
    for (let i = at; i < lines.length; i += 1) list.push(lines[i]!);
    if (list.length > MAX_LINES) {
      const cut = list.length - Math.floor(MAX_LINES * 0.8);
      list = list.slice(cut);
      firstSeq += cut;
      dropped += cut;
      this.floor = firstSeq;
    }
    this.publish(list, firstSeq, { dropped });
  }

  /**
   * The Logs page wants the whole history: the older lines as one stream of pages (log-history.ts), each prepended as
   * it arrives, a macrotask apart so the page draws in between; again from where the lines begin if the stream ends
   * early or the lines changed under it.
   */
  async loadOlder(): Promise<void> {
    this.historyWanted = true;
    if (this.loadingOlder || !this.started) return;
    this.loadingOlder = true;
    try {
      while (this.state.older > 0) {
        const room = MAX_LINES - this.state.lines.length;
        if (room <= 0) {
          this.floor = this.state.firstSeq;
          this.publish(this.state.lines, this.state.firstSeq);
          return;
        }
        const { epoch, firstSeq: from, older } = this.state;
        await readNdjson<LogPage>(`/api/logs/history?before=${this.state.firstSeq}&limit=${room}`, async (page) => {
          const { firstSeq } = this.state;
          // Started over, or the front was dropped meanwhile: ask again from where the lines begin now.
          if (epoch !== this.state.epoch || (page.lines.length > 0 && page.lines.at(-1)![0] !== firstSeq - 1)) return false;
          this.serverOldest = page.oldest;
          this.publish(page.lines.length > 0 ? page.lines.concat(this.state.lines) : this.state.lines, page.lines[0]?.[0] ?? firstSeq);
          await new Promise((done) => setTimeout(done, 0));
          return true;
        });
        // Nothing came of it (not expected): stop rather than ask again and again; the next catch-up retries.
        if (this.state.firstSeq === from && this.state.older === older) return;
      }
    } catch {
      // The connection went: the next catch-up starts loading again.
    } finally {
      this.loadingOlder = false;
    }
  }
}
