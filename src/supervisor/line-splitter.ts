/**
 * Cuts a byte stream into whole lines. Output is handed on in pieces that together end on a newline, so a line is
 * never cut in two however the pipe chunks it, and the log file receives exactly the bytes the child wrote. A last
 * line without a newline is handed on when the stream ends.
 *
 * A read rarely ends on a newline, so the tail of one read is the head of the next line. Nothing is copied or
 * decoded here: a block is the pieces as read and the number of lines they hold (line-block.ts decodes them when
 * asked).
 *
 * Memory is bounded whatever the child writes: a line that grows past `maxLineBytes` without a newline is handed on
 * in fragments of about that size (cut on a character boundary), each marked with its place in the line, so a
 * 700 MB line costs land one fragment of memory at a time and still reaches the log file byte for byte. A
 * fragment's pieces are handed on as read and its text is short (fragments.ts).
 */
import { fragmentEnd, fragmentText, splitPieces, type LineCut } from './fragments.js';
import { countNewlines, LineBlock } from './line-block.js';

export { CUT_MARK, type LineCut } from './fragments.js';

/** Lines longer than this are handed on in fragments (docs/decisions.md: the printed output marks them). */
export const MAX_LINE_BYTES = 1 << 20;

export type BlockHandler = (block: LineBlock) => void;

export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Inside a line that was already handed on in part. */
  private cutting = false;

  constructor(
    private readonly onBlock: BlockHandler,
    private readonly maxLineBytes = MAX_LINE_BYTES,
  ) {}

  push(chunk: Buffer): void {
    const last = chunk.lastIndexOf(10);
    if (last === -1) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes > this.maxLineBytes) this.handOnFragment();
      return;
    }
    if (this.cutting) {
      // The over-long line ends here: its tail is the last fragment, the rest of the read goes on as usual.
      const first = chunk.indexOf(10);
      const pieces = [...this.pending, chunk.subarray(0, first + 1)];
      this.pending = [];
      this.pendingBytes = 0;
      this.cutting = false;
      this.onBlock(fragment(pieces, 'last'));
      if (first + 1 < chunk.length) this.push(chunk.subarray(first + 1));
      return;
    }
    const pieces = this.pending.length === 0 ? [chunk.subarray(0, last + 1)] : [...this.pending, chunk.subarray(0, last + 1)];
    this.pending = last + 1 < chunk.length ? [chunk.subarray(last + 1)] : [];
    this.pendingBytes = this.pending[0]?.length ?? 0;
    this.onBlock(new LineBlock(pieces, countNewlines(chunk, last + 1)));
  }

  /** The stream ended. */
  end(): void {
    if (this.pending.length === 0) {
      // The stream ended right after a fragment: an empty last one says the line is over.
      if (this.cutting) this.onBlock(fragment([], 'last'));
      this.cutting = false;
      return;
    }
    const pieces = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    if (this.cutting) {
      this.cutting = false;
      this.onBlock(fragment(pieces, 'last'));
      return;
    }
    this.onBlock(new LineBlock(pieces, 1));
  }

  /**
   * Hands on what is pending of an over-long line, up to its last whole character but one; keeps the rest. The
   * last character is held back because the next read may start with the newline: handed on, it would make a
   * fragment marked as going on (`…yyyE…`) that in fact ends the line, and an empty last fragment (`…`) after it.
   */
  private handOnFragment(): void {
    const end = fragmentEnd(this.pending, this.pendingBytes);
    const [piece, rest] = splitPieces(this.pending, end);
    const cut: LineCut = this.cutting ? 'middle' : 'first';
    this.cutting = true;
    this.pending = rest;
    this.pendingBytes -= end;
    this.onBlock(fragment(piece, cut));
  }
}

/** A fragment of an over-long line: one line, whose text is its start and end only. */
const fragment = (pieces: Buffer[], cut: LineCut) => new LineBlock(pieces, 1, cut, fragmentText(pieces, cut));
