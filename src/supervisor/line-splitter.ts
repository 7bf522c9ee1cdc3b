/**
 * Cuts a byte stream into whole lines. Output is handed on in pieces that together end on a newline, so a line is
 * never cut in two however the pipe chunks it, and the log file receives exactly the bytes the child wrote. A last
 * line without a newline is handed on when the stream ends.
 *
 * A read rarely ends on a newline, so the tail of one read is the head of the next line. Only that one line is
 * copied to join its parts (a whole read used to be, at every read of a flood); the rest of a read is decoded where
 * it lies.
 */
export class LineSplitter {
  private pending: Buffer[] = [];

  constructor(private readonly onBlock: (pieces: Buffer[], lines: string[]) => void) {}

  push(chunk: Buffer): void {
    const last = chunk.lastIndexOf(10);
    if (last === -1) {
      this.pending.push(chunk);
      return;
    }
    const pieces = [...this.pending, chunk.subarray(0, last + 1)];
    let lines: string[];
    if (this.pending.length === 0) lines = splitLines(chunk.toString('utf8', 0, last));
    else {
      // Decode the line that spans reads as one (a character may be split between them), the rest as it is.
      const first = chunk.indexOf(10);
      lines = first === last ? [] : splitLines(chunk.toString('utf8', first + 1, last));
      lines.unshift(trimCarriageReturn(Buffer.concat([...this.pending, chunk.subarray(0, first)]).toString('utf8')));
    }
    this.pending = last + 1 < chunk.length ? [chunk.subarray(last + 1)] : [];
    this.onBlock(pieces, lines);
  }

  /** The stream ended. */
  end(): void {
    if (this.pending.length === 0) return;
    const pieces = this.pending;
    this.pending = [];
    this.onBlock(pieces, splitLines(Buffer.concat(pieces).toString('utf8')));
  }
}

function trimCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  // One search per block; the per-line pass only for output that has carriage returns at all.
  if (text.includes('\r')) for (let i = 0; i < lines.length; i++) lines[i] = trimCarriageReturn(lines[i]!);
  return lines;
}
