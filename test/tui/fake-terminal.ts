/** A terminal for tests that render the App: a stdout that records writes, has a size, can be resized; a keyboard. */
import { EventEmitter } from 'node:events';

export class FakeTerminal extends EventEmitter {
  isTTY = true;
  columns: number;
  rows: number;
  output = '';
  /** Every write, as it came. */
  chunks: string[] = [];
  constructor(columns = 80, rows = 24) {
    super();
    this.columns = columns;
    this.rows = rows;
  }
  write = (chunk: string): boolean => {
    this.output += chunk;
    this.chunks.push(chunk);
    return true;
  };
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

export const asStdout = (terminal: FakeTerminal) => terminal as unknown as NodeJS.WriteStream;

/** A TTY-like stdin ink can read keys from; records raw mode changes. */
export class FakeKeyboard extends EventEmitter {
  isTTY = true;
  rawModes: boolean[] = [];
  private pending: string | null = null;
  setEncoding(): void {}
  setRawMode(mode: boolean): void {
    this.rawModes.push(mode);
  }
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
  read = (): string | null => {
    const data = this.pending;
    this.pending = null;
    return data;
  };
  type(data: string): void {
    this.pending = data;
    this.emit('readable');
  }
}

export const asStdin = (keyboard: FakeKeyboard) => keyboard as unknown as NodeJS.ReadStream;
