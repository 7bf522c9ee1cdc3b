/**
 * A boot's log files read for `land logs` of several tiers: each line with its tier's prefix, or one line at a time
 * (--json), streamed whatever the files hold; a line that runs on from one rotated file into the next is one line.
 */
import { Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { logChunks, type RecordedLog } from './recorded.js';

/** `head` before each line of the chunks that pass; `state` says whether the next byte starts a line. */
function prefixer(head: Buffer, state: { lineStart: boolean }): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const parts: Buffer[] = [];
      for (let start = 0; start < chunk.length; ) {
        if (state.lineStart) parts.push(head);
        const newline = chunk.indexOf(10, start);
        const end = newline === -1 ? chunk.length : newline + 1;
        parts.push(chunk.subarray(start, end));
        state.lineStart = newline !== -1;
        start = end;
      }
      done(null, Buffer.concat(parts));
    },
  });
}

/** Every byte of the log with `head` before each line, streamed; a last line without its newline is given one. */
export async function copyPrefixed(log: RecordedLog, head: Buffer, out: Writable): Promise<void> {
  const state = { lineStart: true };
  await pipeline(Readable.from(logChunks(log)), prefixer(head, state), out, { end: false });
  if (!state.lineStart) out.write('\n');
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
