/**
 * A boot's log files read for `land logs` of several tiers: each line with its tier's prefix, or one line at a time
 * (--json), streamed whatever the files hold; a line that runs on from one rotated file into the next is one line.
 */
import { once } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
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
 * its newline is given one. Plain writes, not a pipeline: a pipeline per tier into stdout left its listeners there.
 */
export async function copyPrefixed(log: RecordedLog, head: Buffer, out: NodeJS.WritableStream): Promise<void> {
  const { prefix, lineStart } = prefixer(head);
  for await (const chunk of logChunks(log)) if (!out.write(prefix(chunk))) await once(out, 'drain');
  if (!lineStart()) out.write('\n');
}

/** The log's lines (without `\r\n` / `\n`), oldest first, one at a time. */
export async function* logLines(log: RecordedLog): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  const ended = (line: string) => (line.endsWith('\r') ? line.slice(0, -1) : line);
  let rest = '';
  for await (const chunk of logChunks(log)) {
    const lines = (rest + decoder.write(chunk)).split('\n');
    rest = lines.pop()!;
    for (const line of lines) yield ended(line);
  }
  rest += decoder.end();
  if (rest !== '') yield ended(rest);
}
