/**
 * Fragments of an over-long line (one that grows past 1 MiB without a newline, see line-splitter.ts): where one is
 * cut, the bytes it is printed as, and the text the views keep of it.
 *
 * A fragment's bytes are never joined or decoded whole. Its text, which status, `land logs`, the UI and the
 * dashboard keep, is its first and last few KiB around a note of how many bytes lie between: decoding every MiB of a
 * 700 MB line into a string was a MiB of heap per MiB read, and that garbage alone made V8 grow its young generation
 * to its largest and land's resident size past 100 MB (docs/decisions.md). The printed output and the log file get
 * every byte; `land logs -f` decodes the bytes of each fragment for its follower.
 */
import { StringDecoder } from 'node:string_decoder';
import type { LineCut } from './types.js';

export type { LineCut } from './types.js';

/** The mark a fragment carries in its text and its printed bytes where the line goes on (before it, after it, or both). */
export const CUT_MARK = '…';
const CUT_MARK_BYTES = Buffer.from(CUT_MARK);

/** Bytes of a fragment's start, and of its end, that its text shows. */
export const FRAGMENT_SHOWN_BYTES = 2 * 1024;

/**
 * Where a fragment of `pieces` (`total` bytes) ends: before the last whole character, or after it if it is the only
 * one. A last carriage return is held back with the character before it: the line may end in `\r\n` with the `\n`
 * in the next read, and a rest of `\r` alone would make the line's end `\r\n` alone, which no view shows as its
 * last fragment. Only the last few bytes are looked at (and copied): the pieces themselves are handed on as read.
 */
export function fragmentEnd(pieces: readonly Buffer[], total: number): number {
  const tail = lastBytes(pieces, 6); // a character of up to four bytes, the byte after it, and a carriage return
  const before = total - tail.length;
  const held = tail.at(-1) === 13 ? 2 : 1;
  const end = before + characterBoundary(tail.subarray(0, Math.max(0, tail.length - held)));
  return end === 0 ? before + characterBoundary(tail) : end;
}

/** Where the whole characters of `pieces` (`total` bytes) end: a character cut short by the read is left out. */
export function wholeCharactersEnd(pieces: readonly Buffer[], total: number): number {
  const tail = lastBytes(pieces, 4);
  return total - tail.length + characterBoundary(tail);
}

/** The pieces cut in two at byte `at`, without copying them. */
export function splitPieces(pieces: readonly Buffer[], at: number): [Buffer[], Buffer[]] {
  const before: Buffer[] = [];
  let i = 0;
  for (let left = at; left > 0; i++) {
    const piece = pieces[i]!;
    if (piece.length > left) {
      before.push(piece.subarray(0, left));
      return [before, [piece.subarray(left), ...pieces.slice(i + 1)]];
    }
    before.push(piece);
    left -= piece.length;
  }
  return [before, pieces.slice(i)];
}

/**
 * A fragment as printed, in bytes: its pieces (not copied) between the marks that say the line goes on; the last
 * one without its newline (and a carriage return before it), which the printer puts back.
 */
export function markedPieces(pieces: readonly Buffer[], cut: LineCut): Buffer[] {
  const body = cut === 'last' ? withoutLineEnd(pieces) : [...pieces];
  if (cut !== 'first') body.unshift(CUT_MARK_BYTES);
  if (cut !== 'last') body.push(CUT_MARK_BYTES);
  return body;
}

/** The text views keep of a fragment: its start and its end (all of it when short), marked where the line goes on. */
export function fragmentText(pieces: readonly Buffer[], cut: LineCut): string {
  const body = cut === 'last' ? withoutLineEnd(pieces) : pieces;
  let total = 0;
  for (const piece of body) total += piece.length;
  const shown = total <= 2 * FRAGMENT_SHOWN_BYTES ? fullFragmentText(body) : shortened(body, total);
  return `${cut === 'first' ? '' : CUT_MARK}${shown}${cut === 'last' ? '' : CUT_MARK}`;
}

/** The first and last FRAGMENT_SHOWN_BYTES, each cut on a character boundary, around the number of bytes between. */
function shortened(pieces: readonly Buffer[], total: number): string {
  const [start] = splitPieces(pieces, FRAGMENT_SHOWN_BYTES);
  const head = Buffer.concat(start);
  const headLength = characterBoundary(head);
  const tail = lastBytes(pieces, FRAGMENT_SHOWN_BYTES);
  let from = 0;
  while (from < 3 && (tail[from]! & 0xc0) === 0x80) from++; // into the character cut at the start
  const left = total - headLength - (tail.length - from);
  return `${head.toString('utf8', 0, headLength)} [… ${left} bytes …] ${tail.toString('utf8', from)}`;
}

/** The pieces without a final newline, and a carriage return before it (a line's `\r\n`). */
function withoutLineEnd(pieces: readonly Buffer[]): Buffer[] {
  const out = [...pieces];
  for (const byte of [10, 13]) {
    const last = out[out.length - 1];
    if (last?.[last.length - 1] !== byte) continue;
    if (last.length === 1) out.pop();
    else out[out.length - 1] = last.subarray(0, last.length - 1);
  }
  return out;
}

function lastBytes(pieces: readonly Buffer[], count: number): Buffer {
  const tail: Buffer[] = [];
  for (let i = pieces.length - 1, size = 0; i >= 0 && size < count; i--) {
    const piece = pieces[i]!;
    tail.unshift(piece.subarray(Math.max(0, piece.length - (count - size))));
    size += tail[0]!.length;
  }
  return Buffer.concat(tail);
}

/**
 * The text of whole characters read in pieces, decoded piece by piece rather than copied into one buffer first: a
 * fragment's whole text from its printed bytes (`markedPieces`), for a follower that asked for every line.
 */
export function fullFragmentText(pieces: readonly Buffer[]): string {
  if (pieces.length === 1) return pieces[0]!.toString('utf8');
  const decoder = new StringDecoder('utf8');
  let text = '';
  for (const piece of pieces) text += decoder.write(piece);
  return text + decoder.end();
}

/** The largest length ≤ bytes.length that does not split a UTF-8 character (a lead byte and its continuations). */
function characterBoundary(bytes: Buffer): number {
  const at = bytes.length;
  // Walk back over at most three continuation bytes (10xxxxxx) to the character's lead byte.
  for (let back = 1; back <= 4 && at - back >= 0; back++) {
    const byte = bytes[at - back]!;
    if ((byte & 0xc0) === 0x80) continue;
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? at - back : at;
  }
  return at;
}
