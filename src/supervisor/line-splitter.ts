/**
 * Cuts a byte stream into whole lines. Output is handed on in blocks that end on a newline, so a line is never cut
 * in two however the pipe chunks it, and the log file receives exactly the bytes the child wrote. A last line
 * without a newline is handed on when the stream ends.
 */
export class LineSplitter {
  private pending: Buffer[] = [];

  constructor(private readonly onBlock: (block: Buffer, lines: string[]) => void) {}

  push(chunk: Buffer): void {
    const last = chunk.lastIndexOf(10);
    if (last === -1) {
      this.pending.push(chunk);
      return;
    }
    const head = chunk.subarray(0, last + 1);
    const block = this.pending.length > 0 ? Buffer.concat([...this.pending, head]) : head;
    this.pending = last + 1 < chunk.length ? [chunk.subarray(last + 1)] : [];
    this.onBlock(block, splitLines(block.toString('utf8', 0, block.length - 1)));
  }

  /** The stream ended. */
  end(): void {
    if (this.pending.length === 0) return;
    const block = Buffer.concat(this.pending);
    this.pending = [];
    this.onBlock(block, splitLines(block.toString('utf8')));
  }
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.endsWith('\r')) lines[i] = line.slice(0, -1);
  }
  return lines;
}
