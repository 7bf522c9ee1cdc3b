/**
 * The Logs page's tier and text filter over the page's lines (log-lines.ts), as the line numbers that match. New
 * lines are matched as they arrive; the rest is matched newest first within a time budget per frame, so a search
 * over 100 000 lines never holds the page for more than a frame: the newest matches show at once, older ones join
 * them frame by frame (and as older pages of the history arrive).
 */
import type { WireLine } from '../wire.js';
import type { LinesState } from './log-lines.js';

/** How long one update may spend matching older lines (the rest of a 60 Hz frame is the browser's). */
const BUDGET_MS = 8;

export interface FilterView {
  /** Numbers of the matching lines, oldest first. */
  hits: number[];
  /** Every line the page holds has been matched. */
  complete: boolean;
  /** Matches put in front of the earlier ones since the filter was last set (to keep a scrolled list in place). */
  prepended: number;
}

export class LineFilter {
  private key: string | undefined;
  private epoch = -1;
  /** Lines numbered [from, to) have been matched. */
  private from = 0;
  private to = 0;
  private view: FilterView = { hits: [], complete: true, prepended: 0 };

  update(log: LinesState, key: string, matches: (line: WireLine) => boolean): FilterView {
    const { lines, firstSeq } = log;
    const end = firstSeq + lines.length;
    let { hits, prepended } = this.view;
    if (key !== this.key || log.epoch !== this.epoch) {
      this.key = key;
      this.epoch = log.epoch;
      this.from = this.to = end;
      hits = [];
      prepended = 0;
    }
    // The page dropped its oldest lines: so do the matches.
    if (this.from < firstSeq) {
      const kept = hits.findIndex((seq) => seq >= firstSeq);
      hits = kept < 0 ? [] : hits.slice(kept);
      this.from = firstSeq;
      this.to = Math.max(this.to, firstSeq);
    }
    for (let seq = this.to; seq < end; seq += 1) if (matches(lines[seq - firstSeq]!)) hits.push(seq);
    this.to = end;
    const fresh = this.from === end && hits.length === 0;
    const found: number[] = [];
    const deadline = performance.now() + BUDGET_MS;
    let seq = this.from - 1;
    for (; seq >= firstSeq; seq -= 1) {
      if ((seq & 1023) === 0 && performance.now() > deadline) break;
      if (matches(lines[seq - firstSeq]!)) found.push(seq);
    }
    this.from = seq + 1;
    if (found.length > 0) {
      hits = found.reverse().concat(hits);
      // The first pass of a new filter is not a shift: there was nothing on screen to keep in place.
      if (!fresh) prepended += found.length;
    }
    this.view = { hits, complete: this.from === firstSeq, prepended };
    return this.view;
  }
}
