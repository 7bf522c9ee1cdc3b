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
 *
 * A line that stays without its newline (a prompt, a progress bar, a child hung mid-line) is handed on too, as a
 * fragment of what is pending, once no byte came for `quietMs`, or after MAX_PARTIAL_MS while bytes dribble in
 * without a newline (docs/decisions.md, "Output without a newline"). The log file gets those bytes as they are, the
 * views a marked fragment. One timer per splitter, armed only when a read leaves a partial line and none is armed:
 * no timer work per read in a flood.
 */
import { fragmentEnd, fragmentText, splitPieces, wholeCharactersEnd, type LineCut } from './fragments.js';
import { LineBlock, newlineEnds } from './line-block.js';
import { steadyNow } from '../runtime/steady-clock.js';

export { CUT_MARK, type LineCut } from './fragments.js';

/** Lines longer than this are handed on in fragments (docs/decisions.md: the printed output marks them). */
export const MAX_LINE_BYTES = 1 << 20;

/** A partial line is handed on once no byte came for this long (checked every QUIET_MS: within 1–2 × of the last). */
export const QUIET_MS = 100;
/** A partial line whose bytes keep coming without a newline (dots of progress) is handed on after this long. */
export const MAX_PARTIAL_MS = 1000;

export type BlockHandler = (block: LineBlock) => void;

export interface QuietOptions {
  /** Hand on a partial line after this long without a byte; none: only at a newline, the bound or the end. */
  quietMs?: number;
  /**
   * Not now: land holds the pipe (a reader downstream is behind: land is not reading, the child may not be quiet),
   * or the pipe's end was read (its close hands the rest on whole). Call `resumed` when it holds no more.
   */
  notNow?: () => boolean;
}

export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Inside a line already handed on in part: at the bound (its bytes written), or only shown while quiet. */
  private cutBy?: 'bound' | 'quiet';
  /** The first pending bytes already shown as quiet fragments: the log file gets them with the line's end. */
  private shownBytes = 0;
  /** The pending bytes when a quiet hand-on held back a character cut short: still as many, it goes on whole. */
  private heldAt = -1;
  private timer?: NodeJS.Timeout;
  private armed = false;
  /** The first pending piece when the timer was armed: still first when it fires, nothing was handed on since. */
  private quietFrom?: Buffer;
  /** The last pending piece when the timer was armed: still last when it fires, no byte came since. */
  private quietTo?: Buffer;
  /** When the partial line at `quietFrom` was first armed for. */
  private partialSince = 0;

  constructor(
    private readonly onBlock: BlockHandler,
    private readonly maxLineBytes = MAX_LINE_BYTES,
    private readonly quiet: QuietOptions = {},
  ) {}

  /** Bytes of a line not handed on yet: a reader that chooses its read's size keeps a line's fragment near the bound. */
  get pendingLength(): number {
    return this.pendingBytes;
  }

  push(chunk: Buffer): void {
    this.split(chunk);
    // Not while held: land is not reading, so the child may not be quiet (`resumed` arms it when released).
    if (!this.armed && this.pendingBytes > this.shownBytes && this.quiet.quietMs !== undefined && !this.quiet.notNow?.()) this.arm();
  }

  private split(chunk: Buffer): void {
    const last = chunk.lastIndexOf(10);
    if (last === -1) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes > this.maxLineBytes) this.handOnFragment();
      return;
    }
    if (this.cutBy) {
      // A line handed on in part ends here: its tail is the last fragment, the rest of the read goes on as usual.
      const first = chunk.indexOf(10);
      this.endLine([...this.pending, chunk.subarray(0, first + 1)]);
      if (first + 1 < chunk.length) this.split(chunk.subarray(first + 1));
      return;
    }
    const pieces = this.pending.length === 0 ? [chunk.subarray(0, last + 1)] : [...this.pending, chunk.subarray(0, last + 1)];
    const ends = newlineEnds(chunk, last + 1, this.pendingBytes);
    this.pending = last + 1 < chunk.length ? [chunk.subarray(last + 1)] : [];
    this.pendingBytes = this.pending[0]?.length ?? 0;
    this.onBlock(new LineBlock(pieces, ends.length, undefined, undefined, undefined, undefined, ends));
    // A read's tail past the bound on its own (a pipe's reads are smaller than the bound: a log file's read back,
    // logs/prefixed.ts, or a small bound): a line runs at most one read past the bound before it is cut.
    if (this.pendingBytes > this.maxLineBytes) this.handOnFragment();
  }

  /** The stream ended. */
  end(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armed = false;
    if (this.cutBy) return this.endLine(this.pending);
    if (this.pending.length === 0) return;
    const pieces = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.onBlock(new LineBlock(pieces, 1));
  }

  /**
   * A line handed on in part ends (`line`: what is pending of it, with its newline if it has one). The log file gets
   * every byte it did not get yet (the bytes shown while quiet too: whole lines in the file, never interleaved with
   * the other pipe's), the views the part they have not shown, a log probe the whole line when it was not too long.
   */
  private endLine(line: Buffer[]): void {
    const { shownBytes, cutBy } = this;
    this.pending = [];
    this.pendingBytes = 0;
    this.shownBytes = 0;
    this.cutBy = undefined;
    this.heldAt = -1;
    if (line.length === 0) return; // the stream ended right after a fragment that held the whole line
    const rest = shownBytes === 0 ? line : splitPieces(line, shownBytes)[1];
    this.onBlock(viewBlock(rest, 'last', shownBytes > 0 ? line : undefined, cutBy === 'quiet' ? line : undefined));
  }

  /**
   * Hands on what is pending of an over-long line, up to its last whole character but one; keeps the rest. The
   * last character is held back because the next read may start with the newline: handed on, it would make a
   * fragment marked as going on (`…yyyE…`) that in fact ends the line, and an empty last fragment (`…`) after it.
   * A last `\r` is held back with the character before it (fragments.ts). The file gets its bytes now; the views those they were not shown while quiet.
   */
  private handOnFragment(): void {
    const end = fragmentEnd(this.pending, this.pendingBytes);
    const [piece, rest] = splitPieces(this.pending, end);
    const shown = Math.min(this.shownBytes, end);
    const cut: LineCut = this.cutBy ? 'middle' : 'first';
    this.cutBy = 'bound';
    this.pending = rest;
    this.pendingBytes -= end;
    this.shownBytes -= shown;
    this.onBlock(shown === 0 ? fragment(piece, cut) : viewBlock(splitPieces(piece, shown)[1], cut, piece));
  }

  /** The timer, for the partial line now pending; one Timeout per splitter, used again (`refresh`). */
  private arm(): void {
    this.armed = true;
    if (this.pending[0] !== this.quietFrom) {
      this.quietFrom = this.pending[0];
      this.partialSince = steadyNow();
    }
    this.quietTo = this.pending.at(-1);
    if (this.timer) this.timer.refresh();
    else this.timer = setTimeout(() => this.onQuiet(), this.quiet.quietMs).unref();
  }

  /**
   * The partial line armed for is still pending (nothing handed on since), and either no byte came since (the child
   * is quiet mid-line) or it has kept coming without a newline for MAX_PARTIAL_MS.
   */
  private due(): boolean {
    if (this.pending[0] !== this.quietFrom) return false;
    return this.pending.at(-1) === this.quietTo || steadyNow() - this.partialSince >= MAX_PARTIAL_MS;
  }

  /**
   * Due: the pending bytes go on as a fragment, after the I/O already due (timers run before the poll phase: the rest
   * of the line or the pipe's end, read late by a busy land, must not be taken for quiet). Bytes came since: armed
   * again. Not now: disarmed until `resumed` (no timer runs while a pipe is held, an idle stack's included).
   */
  private onQuiet(): void {
    if (this.pendingBytes === this.shownBytes || this.quiet.notNow?.()) return void (this.armed = false);
    if (!this.due()) return this.arm();
    setImmediate(() => this.handOnQuiet());
  }

  /**
   * Shows the views what is pending and not shown yet, as a fragment; the bytes stay pending (copied into one
   * buffer, so the reads' buffers are let go) until the line ends. A character cut short, or a carriage return that
   * may be the start of `\r\n`, waits one more quiet time for the rest of it, then goes on as it is.
   */
  private handOnQuiet(): void {
    this.armed = false;
    if (this.pendingBytes === this.shownBytes || this.quiet.notNow?.()) return;
    if (!this.due()) return this.arm();
    const line = Buffer.concat(this.pending, this.pendingBytes); // a copy: a read's 64 KiB buffer is not kept for it
    this.pending = [line];
    let end = wholeCharactersEnd(this.pending, this.pendingBytes);
    if (line[end - 1] === 13) end -= 1;
    if (end < this.pendingBytes && this.heldAt === this.pendingBytes) end = this.pendingBytes;
    this.heldAt = end < this.pendingBytes ? this.pendingBytes : -1;
    if (end > this.shownBytes) {
      const cut: LineCut = this.cutBy ? 'middle' : 'first';
      this.cutBy ??= 'quiet';
      const view = this.pending[0]!.subarray(this.shownBytes, end);
      this.shownBytes = end;
      this.onBlock(fragment([view], cut, [], this.cutBy === 'quiet' ? [this.pending[0]!.subarray(0, end)] : undefined));
    }
    this.quietFrom = this.quietTo = undefined;
    if (this.heldAt !== -1) this.arm();
  }

  /** Land reads the pipe again after holding it: a partial line left pending gets its quiet time from now. */
  resumed(): void {
    this.quietFrom = undefined; // a held pipe is no sign of dribbling: MAX_PARTIAL_MS counts from here
    if (!this.armed && this.pendingBytes > this.shownBytes && this.quiet.quietMs !== undefined) this.arm();
  }
}

/** `\n` or `\r\n` alone. */
const isLineEnd = (bytes: Buffer) => bytes.at(-1) === 10 && (bytes.length === 1 || bytes[0] === 13);

/** A fragment of a line: one line, whose text is its start and end only (`file`, `whole`: see LineBlock). */
const fragment = (pieces: Buffer[], cut: LineCut, file?: Buffer[], whole?: Buffer[]) =>
  new LineBlock(pieces, 1, cut, fragmentText(pieces, cut), file, whole);

/** A fragment, or no line for the views when nothing is left to show but the line's end (the file still gets `file`). */
function viewBlock(pieces: Buffer[], cut: LineCut, file?: Buffer[], whole?: Buffer[]): LineBlock {
  let bytes = 0;
  for (const piece of pieces) bytes += piece.length;
  const nothing = bytes === 0 || (cut === 'last' && bytes <= 2 && isLineEnd(Buffer.concat(pieces)));
  return nothing ? new LineBlock(pieces, 0, undefined, undefined, file, whole) : fragment(pieces, cut, file, whole);
}
