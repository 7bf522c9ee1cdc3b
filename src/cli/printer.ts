/**
 * Plain output (no TTY, or --no-tui): each child line prefixed with its tier name, and one line per state change
 * from mountain. Writes are batched per tick, and a stdout that falls behind holds the children's pipes (through
 * the supervisor's output gate) instead of growing land's memory.
 */
import type { OutputGate } from '../supervisor/output-gate.js';
import type { SupervisorEvent } from '../supervisor/types.js';
import { summarizeStillRunning, type NamedStray, type StillRunning } from '../supervisor/left-behind.js';
import { describeChange } from '../watch/describe.js';
import { OutputBatch } from './output-batch.js';
import { tierHeads } from './tier-heads.js';

export { useColor } from './tier-heads.js';

export { prefixLines } from './output-batch.js';

export interface PrinterOptions {
  out: NodeJS.WritableStream;
  color: boolean;
  names: string[];
  gate: OutputGate;
}

/** The shutdown's last line: what is still running is said in it, not left to the lines after. */
function shutdownEnd(left: readonly StillRunning[] | undefined, strays: readonly NamedStray[] | undefined): string {
  const parts = ['every tier stopped'];
  if (left) parts.push(`still running, land could not stop them: ${summarizeStillRunning(left)}`);
  if (strays) parts.push(`still running, named by a failed daemon start and not stopped: ${strays.map(({ tier, pid, name }) => `pid ${pid} (${name}, by ${tier})`).join(', ')}`);
  return parts.join('; ');
}

function describe(event: SupervisorEvent): string | undefined {
  switch (event.type) {
    case 'state':
      // A state set again (a replica `land scale` adds is created pending) is no transition: only why it was set.
      return event.from === event.to ? `${event.tier}: ${event.reason}` : `${event.tier}: ${event.from} → ${event.to} (${event.reason})`;
    case 'spawn':
      return `${event.tier}: spawned pid ${event.pid}${event.restart > 0 ? ` (restart ${event.restart})` : ''}`;
    case 'error':
      // Said already as the tier's own `[land] ` line (a skipped scheduled run): once is enough.
      return event.logged ? undefined : `${event.tier}: ${event.tag}: ${event.message}`;
    case 'shutdown':
      if (event.phase === 'begin') return `shutting down (${event.reason})`;
      return shutdownEnd(event.left, event.strays);
    case 'scale':
      return `${event.tier}: scaled from ${event.from} to ${event.to} replica${event.to === 1 ? '' : 's'}`;
    case 'change':
      return `${event.tier}: ${describeChange(event.files[0] ?? 'a watched file', event.files.length)}, restarting`;
    case 'config':
      // `land up --watch-config`: the message names the file saved, and for a refusal `land apply`'s own line.
      return `config: ${event.message}`;
    default:
      return undefined;
  }
}

/**
 * The pieces with the carriage return of each `\r\n` line end dropped (the line end is the printer's, as the `\n`
 * after its head is), every other byte as read: a `\r` inside a line and bytes that are not UTF-8 pass as they are.
 * Decoding such a block to strings turned each invalid byte into U+FFFD.
 */
function withoutCrlf(pieces: readonly Buffer[]): readonly Buffer[] {
  if (!pieces.some((piece) => piece.includes(13))) return pieces;
  return pieces.map((piece) => {
    if (!piece.includes(13)) return piece;
    const out = Buffer.allocUnsafe(piece.length);
    let length = 0;
    for (let start = 0; start < piece.length; ) {
      const crlf = piece.indexOf('\r\n', start);
      const end = crlf === -1 ? piece.length : crlf;
      length += piece.copy(out, length, start, end);
      start = crlf === -1 ? piece.length : crlf + 1;
    }
    return out.subarray(0, length);
  });
}

export interface Printer {
  listener: (event: SupervisorEvent) => void;
  flush(): Promise<void>;
  /** The output is gone (a closed pipe, a lost terminal, a full disk): print nothing more, hold no pipe. */
  stop(): void;
}

export function createPrinter(options: PrinterOptions): Printer {
  /** What goes in front of each line of a tier: `name |` padded (and coloured), then a space. */
  const headOf = tierHeads(options.names, options.color);
  // Bytes, not strings: joining large strings made of a prefix and a block of lines cost V8 a copy of every
  // character on top of the encoding (3× the CPU of the whole relay in a flood). A tick's output is one write.
  const batch = new OutputBatch();
  let scheduled = false;
  let waiting = false;
  let stopped = false;
  /** Settles flush() callers and the gate when the output drains, or when it is given up. */
  let drained: Array<() => void> = [];
  const onDrained = () => {
    waiting = false;
    options.gate.release();
    const waiters = drained;
    drained = [];
    for (const resolve of waiters) resolve();
  };
  const flushNow = () => {
    scheduled = false;
    if (batch.empty || stopped) return;
    // A synchronous stdout (a file) has written everything by the time write() returns false for a large chunk:
    // holding the children's pipes until its 'drain' would only pause and resume them on every flush.
    const behind = !batch.writeTo(options.out) && ((options.out as { writableLength?: number }).writableLength ?? 1) > 0;
    if (behind && !waiting && !stopped) {
      waiting = true;
      options.gate.hold();
      options.out.once('drain', () => {
        if (waiting) onDrained();
      });
    }
  };
  const schedule = () => {
    if (!scheduled) {
      scheduled = true;
      setImmediate(flushNow);
    }
  };
  const listener = (event: SupervisorEvent) => {
    if (event.type === 'log') {
      const head = headOf(event.tier);
      // The bytes as read, with the prefix copied in: half the CPU of joining the lines and encoding them again. A
      // fragment of an over-long line always (its text is only its start and end).
      if (stopped) return;
      if (event.bytes) {
        const bytes = event.cut ? event.bytes : withoutCrlf(event.bytes);
        // The newlines' places hold for the bytes as read, not once carriage returns were taken out.
        batch.addLines(head.bytes, bytes, event.count ?? event.lines.length, bytes === event.bytes ? event.ends : undefined);
      }
      else batch.add(Buffer.from(`${head.text}${event.lines.join(`\n${head.text}`)}\n`));
      return schedule();
    }
    const text = describe(event);
    if (text === undefined || stopped) return;
    batch.add(Buffer.from(`${headOf('mountain').text}${text}\n`));
    schedule();
  };
  const flush = () =>
    new Promise<void>((resolve) => {
      flushNow();
      if (!waiting) return resolve();
      drained.push(resolve);
    });
  const stop = () => {
    stopped = true;
    batch.clear();
    if (waiting) onDrained();
  };
  return { listener, flush, stop };
}
