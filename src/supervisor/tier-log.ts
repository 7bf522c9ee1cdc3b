/**
 * A tier's log file, `.land/logs/<boot>/<tier>.log`: every byte the child writes, rotated at a size
 * (`<tier>.log.1` is the newest rotated file, up to `keepFiles` of them), and never fatal. A write that fails (a full
 * disk, a folder removed, an I/O error) is said once through `onProblem`; output goes on without the file (counted),
 * and the file is reopened at the next write after a pause, so a disk that gets space back gets the log back.
 *
 * Rotation goes by size alone, so a line longer than a file (a fragment of an over-long line is written as it comes)
 * runs on into the next one. When the file that holds the start of a line still being written is removed, the line
 * has outgrown what the files keep: that is said once per line, so that a log file starting in the middle of a line
 * is never a silent loss (docs/decisions.md).
 */
import { closeSync, createWriteStream, fstatSync, openSync, readSync, renameSync, rmSync, statSync, writeSync, type WriteStream } from 'node:fs';
import { oneLine } from '../errors.js';
import { counted } from '../count.js';
import { holdPieces, releasePieces } from './slab-pool.js';
import { steadyNow } from '../runtime/steady-clock.js';

export interface TierLogOptions {
  path: string;
  /** The file rotates before a write once it holds this many bytes. */
  rotateBytes: number;
  /** Rotated files kept (`<tier>.log.1` … `.N`); 0 keeps only the live file. */
  keepFiles: number;
  /** A write failed, or works again: one line, for the tier's error events. */
  onProblem(message: string): void;
}

/** A large buffer: with the default 16 KiB, every 64 KiB read from a busy child paused its pipe for a disk write. */
const BUFFER_BYTES = 1 << 20;
/** After a failed write the file is left alone this long before it is opened again. */
const RETRY_MS = 2000;

export class TierLog {
  private stream?: WriteStream;
  /**
   * The file, open but given to no stream yet: a tier's start creates its file (`create`), its first write makes the
   * stream. A tier that never writes never makes one (a `WriteStream` and its listeners were about a third of a
   * tier's adoption at boot, and the first loads node's fs streams: docs/decisions.md, "Start-up, fifteenth pass").
   */
  private fd?: number;
  /** Bytes in the live file: read when it is opened (a fresh boot's folder is empty: no stat per spawn). */
  private size = 0;
  private failedAt?: number;
  /** Between a failed write and the first one that goes through again. */
  private failing = false;
  private lostBytes = 0;
  /** The failure left a torn line (a write the full disk cut short) and the reopen ended it with a newline. */
  private tornEnded = false;
  private closed = false;
  /** Rotations so far: the live file is number `rotations`, `<tier>.log.N` number `rotations - N`. */
  private rotations = 0;
  /** The file (by number) where the line being written began: none while the last write ended a line. */
  private openLineFrom?: number;

  constructor(private readonly options: TierLogOptions) {}

  /** Appends the pieces. False: the file is behind, call `whenWritable` before writing more. */
  write(pieces: readonly Buffer[]): boolean {
    if (this.closed) return true;
    const stream = this.writable();
    if (!stream) {
      for (const piece of pieces) this.lostBytes += piece.length;
      return true;
    }
    let ok = true;
    let last: Buffer | undefined;
    // The pieces may be views of a read's slab: held until the stream has written them (or failed), slab-pool.ts.
    holdPieces(pieces);
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      const recover = this.failing ? (error?: Error | null) => this.recovered(error) : undefined;
      ok = stream.write(piece, i === pieces.length - 1 ? (error) => (releasePieces(pieces), recover?.(error)) : recover);
      this.size += piece.length;
      if (piece.length > 0) last = piece;
    }
    if (last?.[last.length - 1] === 10) this.openLineFrom = undefined;
    else if (last) this.openLineFrom ??= this.rotations;
    return ok;
  }

  /** Calls `then` once the file has taken what it was given, or has failed (a failed file never holds a pipe). */
  whenWritable(then: () => void): void {
    const stream = this.stream;
    if (!stream || !stream.writableNeedDrain || stream.destroyed) return void setImmediate(then);
    const events = ['drain', 'close', 'error', 'finish'] as const;
    const done = () => {
      for (const event of events) stream.off(event, done);
      then();
    };
    for (const event of events) stream.on(event, done);
  }

  /**
   * Creates the file (empty) when the tier starts, not at its first byte: `land logs <tier>` after the stack has
   * stopped then knows a tier that wrote nothing from a name that is no tier.
   */
  create(): void {
    if (!this.closed) this.opened();
  }

  /** Flushes and closes the file; resolves whatever the disk does. */
  close(): Promise<void> {
    this.closed = true;
    const stream = this.stream;
    this.stream = undefined;
    this.closeFd();
    if (!stream || stream.closed || stream.destroyed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      stream.once('close', resolve);
      stream.end();
    });
  }

  /** The stream to write to now: opened, rotated or reopened as needed; none while the file is failing. */
  private writable(): WriteStream | undefined {
    if (!this.opened()) return undefined;
    if (this.stream) return this.stream;
    const stream = createWriteStream(this.options.path, { fd: this.fd!, highWaterMark: BUFFER_BYTES });
    this.fd = undefined;
    stream.once('error', (error) => this.fail(stream, error));
    this.stream = stream;
    return stream;
  }

  /** The file is open (as a stream, or a descriptor still without one), rotated first when due; false while failing. */
  private opened(): boolean {
    if (this.failedAt !== undefined) {
      if (steadyNow() - this.failedAt < RETRY_MS) return false;
      this.failedAt = undefined;
    }
    if (this.isOpen && this.size >= this.options.rotateBytes) this.rotate();
    if (!this.isOpen) this.fd = this.open();
    return this.isOpen;
  }

  private get isOpen(): boolean {
    return this.stream !== undefined || this.fd !== undefined;
  }

  /** Opened at once (not in the background), so that a rotation right after it finds the file in place. */
  private open(): number | undefined {
    let fd: number;
    try {
      // Private (0600): a child's output can hold secrets; the boot's folder is 0700 too (supervisor.ts).
      fd = openSync(this.options.path, 'a', 0o600);
    } catch (error) {
      this.fail(undefined, error as Error);
      return undefined;
    }
    this.size = sizeOfOpen(fd);
    if (this.failing && !this.endTornLine(fd)) return undefined;
    return fd;
  }

  /** The descriptor no stream was made for (nothing was written to it): closed as it is. */
  private closeFd(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {
      // Nothing was written through it: nothing to lose.
    }
    this.fd = undefined;
  }

  /** A write after a failure went through: say so once, with what the file missed meanwhile. */
  private recovered(error: Error | null | undefined): void {
    if (error || !this.failing) return;
    this.failing = false;
    const torn = this.tornEnded ? '; the line a failed write cut short was ended with a newline' : '';
    this.options.onProblem(`log file writable again; ${counted(this.lostBytes, 'byte')} of output could not be written to it${torn}`);
    this.lostBytes = 0;
    this.tornEnded = false;
  }

  /**
   * Reopened after a failure: a write the full disk cut short left part of a line, never ended. It is ended here,
   * before anything is appended, so the file holds whole lines (the next line would run on from the torn one). False:
   * the newline could not be written either (the disk is still full): the file fails again.
   */
  private endTornLine(fd: number): boolean {
    const last = this.size === 0 ? 10 : lastByteOf(this.options.path, this.size);
    if (last === undefined || last === 10) return true;
    try {
      writeSync(fd, '\n');
    } catch (error) {
      closeSync(fd);
      this.fail(undefined, error as Error);
      return false;
    }
    this.size += 1;
    this.tornEnded = true;
    this.openLineFrom = undefined;
    return true;
  }

  private fail(stream: WriteStream | undefined, error: Error): void {
    if (stream && this.stream === stream) this.stream = undefined;
    if (this.closed) return;
    this.failedAt = steadyNow();
    this.size = sizeOf(this.options.path);
    // Bytes still in the stream's buffer are lost with it.
    this.lostBytes += stream?.writableLength ?? 0;
    if (this.failing) return;
    this.failing = true;
    this.options.onProblem(`log file ${this.options.path}: ${oneLine(error)}; output goes on without it`);
  }

  /** `<tier>.log` → `.1` → `.2` …; the oldest beyond `keepFiles` is removed. The old stream finishes on its own. */
  private rotate(): void {
    const { path, keepFiles } = this.options;
    const old = this.stream;
    this.stream = undefined;
    old?.end(); // its buffered bytes go to the renamed file: the descriptor follows the file, not the name
    this.closeFd();
    try {
      rmSync(`${path}.${keepFiles}`, { force: true });
      for (let n = keepFiles - 1; n >= 1; n--) renameIfThere(`${path}.${n}`, `${path}.${n + 1}`);
      if (keepFiles > 0) renameSync(path, `${path}.1`);
      else rmSync(path, { force: true });
    } catch (error) {
      this.options.onProblem(`log file ${path}: could not rotate: ${oneLine(error)}`);
    }
    this.size = sizeOf(path);
    // The file just removed was number `rotations - keepFiles`; the live one now is the next number.
    if (this.openLineFrom !== undefined && this.openLineFrom <= this.rotations - keepFiles) {
      this.options.onProblem(
        `log file ${path}: a line without a newline outgrew the kept files (logs.rotateBytes × (logs.keepFiles + 1)); its start was rotated away, the files keep its newest part`,
      );
      this.openLineFrom = Infinity; // said once for this line
    }
    this.rotations += 1;
  }
}

function renameIfThere(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path, { throwIfNoEntry: false })?.size ?? 0;
  } catch {
    return 0;
  }
}

/** The file's byte at `size - 1` (read through its own descriptor: the log's is opened to append only). */
function lastByteOf(path: string, size: number): number | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const byte = Buffer.alloc(1);
    return readSync(fd, byte, 0, 1, size - 1) === 1 ? byte[0] : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function sizeOfOpen(fd: number): number {
  try {
    return fstatSync(fd).size;
  } catch {
    return 0;
  }
}
