/**
 * Plain output (no TTY, or --no-tui): each child line prefixed with its tier name, and one line per state change
 * from mountain. Writes are batched per tick, and a stdout that falls behind holds the children's pipes (through
 * the supervisor's output gate) instead of growing land's memory.
 */
import { styleText } from 'node:util';
import type { OutputGate } from '../supervisor/output-gate.js';
import type { SupervisorEvent } from '../supervisor/types.js';

type Color = Parameters<typeof styleText>[0];
/** A piece of output at least this large is written on its own instead of being copied into a joined write. */
const LARGE_WRITE = 16 * 1024;
const PALETTE: Color[] = ['cyan', 'magenta', 'yellow', 'green', 'blue', 'redBright', 'cyanBright', 'magentaBright'];

export interface PrinterOptions {
  out: NodeJS.WritableStream;
  color: boolean;
  names: string[];
  gate: OutputGate;
}

export function useColor(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
}

function describe(event: SupervisorEvent): string | undefined {
  switch (event.type) {
    case 'state':
      return `${event.tier}: ${event.from} → ${event.to} (${event.reason})`;
    case 'spawn':
      return `${event.tier}: spawned pid ${event.pid}${event.restart > 0 ? ` (restart ${event.restart})` : ''}`;
    case 'error':
      return `${event.tier}: ${event.tag}: ${event.message}`;
    case 'shutdown':
      return event.phase === 'begin' ? `shutting down (${event.reason})` : 'every tier stopped';
    default:
      return undefined;
  }
}

export function createPrinter(options: PrinterOptions): { listener: (event: SupervisorEvent) => void; flush(): Promise<void> } {
  const width = Math.max('mountain'.length, ...options.names.map((name) => name.length));
  const prefixes = new Map<string, string>();
  const prefix = (name: string, index: number) => {
    let text = prefixes.get(name);
    if (text === undefined) {
      const padded = `${name.padEnd(width)} |`;
      text = options.color ? styleText(PALETTE[index % PALETTE.length]!, padded) : padded;
      prefixes.set(name, text);
    }
    return text;
  };
  const order = new Map(options.names.map((name, index) => [name, index]));
  // Bytes, not strings: joining large strings made of a prefix and a block of lines cost V8 a copy of every
  // character on top of the encoding (3× the CPU of the whole relay in a flood). Small pieces (state lines, a few
  // log lines) are joined into one write; a large block is written as it is.
  let batch: Buffer[] = [];
  let scheduled = false;
  let waiting = false;
  const writeAll = (): boolean => {
    let ok = true;
    let small: Buffer[] = [];
    const writeSmall = () => {
      if (small.length > 0) ok = options.out.write(small.length === 1 ? small[0]! : Buffer.concat(small));
      small = [];
    };
    for (const bytes of batch) {
      if (bytes.length < LARGE_WRITE) small.push(bytes);
      else {
        writeSmall();
        ok = options.out.write(bytes);
      }
    }
    writeSmall();
    batch = [];
    return ok;
  };
  const flushNow = () => {
    scheduled = false;
    if (batch.length === 0) return;
    // A synchronous stdout (a file) has written everything by the time write() returns false for a large chunk:
    // holding the children's pipes until its 'drain' would only pause and resume them on every flush.
    const behind = !writeAll() && ((options.out as { writableLength?: number }).writableLength ?? 1) > 0;
    if (behind && !waiting) {
      waiting = true;
      options.gate.hold();
      options.out.once('drain', () => {
        waiting = false;
        options.gate.release();
      });
    }
  };
  const push = (text: string) => {
    batch.push(Buffer.from(text));
    if (!scheduled) {
      scheduled = true;
      setImmediate(flushNow);
    }
  };
  const listener = (event: SupervisorEvent) => {
    if (event.type === 'log') {
      // One string per read of the child's pipe: a flood costs one join, not one string per line.
      const head = `${prefix(event.tier, order.get(event.tier) ?? 0)} `;
      push(`${head}${event.lines.join(`\n${head}`)}\n`);
      return;
    }
    const text = describe(event);
    if (text !== undefined) push(`${prefix('mountain', -1 + PALETTE.length)} ${text}\n`);
  };
  const flush = () =>
    new Promise<void>((resolve) => {
      flushNow();
      if (!waiting) return resolve();
      options.out.once('drain', () => resolve());
    });
  return { listener, flush };
}
