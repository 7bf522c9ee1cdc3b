/**
 * A boot's log files read for `land logs`: each line with its tier's prefix, or one line at a time (--json),
 * streamed whatever the files hold; a line that runs on from one rotated file into the next is one line, and one
 * longer than land keeps whole is handed on in marked fragments, by the rule the live output is cut by.
 */
import { once } from 'node:events';
import { fullFragmentText, markedPieces } from '../supervisor/fragments.js';
import type { LineBlock } from '../supervisor/line-block.js';
import { LineSplitter, MAX_LINE_BYTES } from '../supervisor/line-splitter.js';
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

/** The lines of one block of the splitter: its whole lines, or a fragment whole (not the short text the views keep). */
function* linesOf(block: LineBlock): Generator<FileLine> {
  if (block.cut) yield { line: fullFragmentText(markedPieces(block.pieces, block.cut)), cut: block.cut };
  else for (const line of block.lines) yield { line };
}

/**
 * The log's lines, oldest first, one at a time, cut by the same rule as the live output (the tier's LineSplitter,
 * without its quiet hand-on; cut points depend on the reads): a chunk's whole lines at once, and a line that grows
 * past `maxLineBytes` in fragments (cut between characters; a line may run up to one chunk past the bound before it
 * is cut).
 */
export async function* logLines(log: RecordedLog, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<FileLine> {
  const blocks: LineBlock[] = [];
  const splitter = new LineSplitter((block) => blocks.push(block), maxLineBytes);
  for await (const chunk of logChunks(log)) {
    splitter.push(chunk);
    for (const block of blocks.splice(0)) yield* linesOf(block);
  }
  splitter.end();
  for (const block of blocks.splice(0)) yield* linesOf(block);
}
