/**
 * A boot's log files read for `land logs`: each line with its tier's prefix, or one line at a time (--json),
 * streamed whatever the files hold; a line that runs on from one rotated file into the next is one line, and one
 * longer than land keeps whole is handed on in marked fragments, as the live form does.
 */
import { once } from 'node:events';
import { fullFragmentText, markedPieces, splitPieces, wholeCharactersEnd } from '../supervisor/fragments.js';
import { MAX_LINE_BYTES } from '../supervisor/line-splitter.js';
import type { LineCut } from '../supervisor/types.js';
import { logChunks, type RecordedLog } from './recorded.js';

/** `head` before each line of the chunks given in turn (a line may run on from one chunk into the next). */
function prefixer(head: Buffer): { prefix(chunk: Buffer): Buffer; lineStart(): boolean } {
  let lineStart = true;
  return {
    prefix(chunk) {
      const parts: Buffer[] = [];
      for (let start = 0; start < chunk.length; ) {
        if (lineStart) parts.push(head);
        const newline = chunk.indexOf(10, start);
        const end = newline === -1 ? chunk.length : newline + 1;
        parts.push(chunk.subarray(start, end));
        lineStart = newline !== -1;
        start = end;
      }
      return Buffer.concat(parts);
    },
    lineStart: () => lineStart,
  };
}

/**
 * Every byte of the log with `head` before each line, streamed (written as `out` takes it); a last line without
 * its newline is given one, since another tier's may follow. An empty head (one tier): the bytes as written.
 * Plain writes, not a pipeline: a pipeline per tier into stdout left its listeners there.
 */
export async function copyPrefixed(log: RecordedLog, head: Buffer, out: NodeJS.WritableStream): Promise<void> {
  if (head.length === 0) {
    for await (const chunk of logChunks(log)) if (!out.write(chunk)) await once(out, 'drain');
    return;
  }
  const { prefix, lineStart } = prefixer(head);
  for await (const chunk of logChunks(log)) if (!out.write(prefix(chunk))) await once(out, 'drain');
  if (!lineStart()) out.write('\n');
}

/** A line of a log file: whole, or (`cut`) a fragment of one longer than MAX_LINE_BYTES, its `…` marks in `line`. */
export interface FileLine {
  line: string;
  cut?: LineCut;
}

/** A line's bytes as text without its `\n` or `\r\n`. */
function wholeLine(pieces: readonly Buffer[]): string {
  const text = pieces.length === 1 ? pieces[0]!.toString('utf8') : Buffer.concat(pieces).toString('utf8');
  const end = text.endsWith('\r\n') ? -2 : text.endsWith('\n') || text.endsWith('\r') ? -1 : text.length;
  return text.slice(0, end);
}

const fragment = (pieces: readonly Buffer[], cut: LineCut): FileLine => ({ line: fullFragmentText(markedPieces(pieces, cut)), cut });

/**
 * The log's lines, oldest first, one at a time. Each chunk is searched for newlines once; the unfinished line is
 * kept as the pieces it came in, and past `maxLineBytes` handed on as a fragment (cut between characters).
 */
export async function* logLines(log: RecordedLog, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<FileLine> {
  let pieces: Buffer[] = [];
  let pending = 0;
  /** Inside a line already handed on in part. */
  let cut = false;
  for await (const chunk of logChunks(log)) {
    for (let start = 0; start < chunk.length; ) {
      const newline = chunk.indexOf(10, start);
      const end = newline === -1 ? chunk.length : newline + 1;
      if (pieces.length === 0 && newline !== -1 && newline - start <= maxLineBytes) {
        yield { line: wholeLine([chunk.subarray(start, end)]) }; // the common case: a line within one chunk
        start = end;
        continue;
      }
      pieces.push(chunk.subarray(start, end));
      pending += end - start;
      // Past the bound (its newline not counted): at most maxLineBytes, cut between characters; the rest is never empty.
      while (pending - (newline === -1 ? 0 : 1) > maxLineBytes) {
        const [head, rest] = splitPieces(pieces, wholeCharactersEnd(splitPieces(pieces, maxLineBytes)[0], maxLineBytes));
        yield fragment(head, cut ? 'middle' : 'first');
        cut = true;
        pieces = rest;
        pending = rest.reduce((sum, piece) => sum + piece.length, 0);
      }
      if (newline !== -1) {
        yield cut ? fragment(pieces, 'last') : { line: wholeLine(pieces) };
        pieces = [];
        pending = 0;
        cut = false;
      }
      start = end;
    }
  }
  if (pending > 0) yield cut ? fragment(pieces, 'last') : { line: wholeLine(pieces) };
}
