/**
 * The terminal is the UI's only while land's process group is the terminal's foreground group. In the background
 * (`land up &`, `bg` after Ctrl-Z, a `kill -CONT` of a land the shell saw stopped) a read of the terminal draws
 * SIGTTIN and a change of its mode SIGTTOU, either of which stops land again (bash: `Stopped (tty input)`; which side
 * of a `fg` that lands on is a race), and what it draws covers the shell's prompt. So while in the background the UI
 * does not read (the terminal's read handle is stopped: what node does for `process.stdin.pause()`, which ink's
 * 'readable' listener keeps from applying; a start of reading, ink's or the stream's, waits), does not change the mode
 * (setRawMode keeps what is asked for the return) and does not draw (stdout's writes are dropped: ink keeps its last
 * frame, drawn whole on the return).
 *
 * The return: a SIGCONT (`fg` of a stopped land gives it the terminal first), or a look every 250 ms while in the
 * background (`fg` of a job already running sends no SIGCONT). Then reading starts again, the mode is put back (off,
 * then on: libuv skips a change to the mode it believes set, and the shell changed it meanwhile), and `onFront`'s
 * listeners run (the UI: cursor, bracketed paste, a whole redraw). Any SIGCONT in front does the same: a stop from
 * outside (`kill -STOP`) gave the shell the terminal, which put it in line mode.
 */
import { closeSync } from 'node:fs';
import { inTerminalForeground } from '../runtime/terminal-group.js';

/** How often a land in the background looks whether it has the terminal again. */
const LOOK_MS = 250;
/**
 * After Ctrl-Z's own stop returns, when the resume is looked at if no SIGCONT came first: in an orphaned process group
 * (no job control: `sh -c`) the kernel drops SIGTSTP and nothing continues land. Later than the SIGCONT, which comes
 * at the next poll of the loop, so a resume is handled (and drawn) once.
 */
const SELF_STOP_LOOK_MS = 100;

/** The part of node's stream handle (a libuv tty) that reads: internal to node, hence looked for before use. */
interface ReadHandle {
  reading?: boolean;
  readStart(): number;
  readStop(): number;
}

const noRead = (): number => 0;

export class TerminalTurn {
  private front: boolean;
  /** The mode asked for (ink's raw mode while it reads keys): applied in front, kept for the return. */
  private wantRaw = false;
  private looking: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly listeners = new Set<() => void>();
  private readonly handle: ReadHandle | undefined;
  private readonly setRawMode: (mode: boolean) => NodeJS.ReadStream;
  /** What close() puts back: the streams' own setRawMode and write (own properties if they were). */
  private readonly restore: Array<() => void> = [];
  private readonly onCont = (): void => this.look(true);
  /** Raw mode was set once: libuv then puts the terminal's first mode back as node exits (below). */
  private rawApplied = false;
  /**
   * At node's exit libuv puts back the mode it found (uv_tty_reset_mode), without blocking SIGTTOU as node's own reset
   * after it does: from the background (Ctrl-Z, `bg`, then `land down`) that stopped land on its way out. Its
   * descriptor closed first, the call fails (EBADF) instead; node's reset of the standard descriptors still runs.
   */
  private readonly beforeExit = (): void => {
    const fd = (this.handle as { fd?: unknown } | undefined)?.fd;
    if (typeof fd !== 'number' || fd <= 2 || this.inFront()) return;
    try {
      closeSync(fd);
    } catch {
      // Already closed.
    }
  };

  constructor(
    stdin: NodeJS.ReadStream,
    stdout: NodeJS.WriteStream,
    private readonly inFront: () => boolean = inTerminalForeground,
  ) {
    const handle = (stdin as { _handle?: Partial<ReadHandle> })._handle;
    this.handle = typeof handle?.readStart === 'function' && typeof handle.readStop === 'function' ? (handle as ReadHandle) : undefined;
    this.setRawMode = stdin.setRawMode.bind(stdin);
    this.restore.push(
      replace(stdin, 'setRawMode', (mode: boolean) => {
        this.wantRaw = mode;
        if (this.front) this.applyMode(mode);
        return stdin;
      }),
    );
    const write = stdout.write.bind(stdout) as (...args: unknown[]) => boolean;
    const gated = (...args: unknown[]): boolean => {
      if (this.front) return write(...args);
      // Dropped, as if written: a callback still runs.
      const callback = args.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      if (callback) process.nextTick(callback);
      return true;
    };
    this.restore.push(replace(stdout, 'write', gated as NodeJS.WriteStream['write']));
    process.on('SIGCONT', this.onCont);
    this.front = true;
    if (!this.inFront()) this.toBack();
  }

  /** `listener` runs each time the terminal is the UI's again, its mode put back: redraw. Returns its removal. */
  onFront(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Ctrl-Z, before land stops itself: no more reads (none may come before the resume is looked at), line mode. */
  beforeStop(): void {
    this.pauseReads();
    this.applyMode(false);
    this.front = false;
  }

  /** Ctrl-Z's stop has returned: continued, or never stopped (an orphaned group). */
  afterStop(): void {
    setTimeout(() => this.look(false), SELF_STOP_LOOK_MS).unref();
  }

  /** The terminal as it was given: node's own setRawMode and write, reading as the stream asks. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    process.off('SIGCONT', this.onCont);
    clearInterval(this.looking);
    // In the background the terminal stays unread: land is done with it, and a read would stop it on its way out.
    if (this.front) this.resumeReads();
    for (const undo of this.restore) undo();
    if (this.rawApplied) process.once('exit', this.beforeExit);
  }

  /** `resumed`: after a SIGCONT, when the shell may have changed the terminal's mode even if land is in front. */
  private look(resumed: boolean): void {
    if (this.closed) return;
    if (!this.inFront()) return this.toBack();
    if (this.front && !resumed) return;
    this.toFront();
  }

  private toBack(): void {
    this.front = false;
    this.pauseReads();
    this.looking ??= setInterval(() => this.look(false), LOOK_MS).unref();
  }

  private toFront(): void {
    clearInterval(this.looking);
    this.looking = undefined;
    this.front = true;
    this.applyMode(false);
    if (this.wantRaw) this.applyMode(true);
    this.resumeReads();
    for (const listener of this.listeners) listener();
  }

  private applyMode(raw: boolean): void {
    try {
      this.setRawMode(raw);
      if (raw) this.rawApplied = true;
    } catch {
      // The terminal is gone: its stream's error ends the UI.
    }
  }

  private pauseReads(): void {
    const handle = this.handle;
    if (!handle || handle.readStart === noRead) return;
    // Shadows the handle's own until the return; `reading` stays as the stream set it, so it asks no new start.
    handle.readStart = noRead;
    if (handle.reading) handle.readStop();
  }

  private resumeReads(): void {
    const handle = this.handle;
    if (!handle || handle.readStart !== noRead) return;
    delete (handle as { readStart?: unknown }).readStart;
    if (handle.reading) handle.readStart();
  }
}

/** Sets `object[key]` to `value`; returns what puts the one before back, unless something replaced `value` since. */
function replace<T extends object, K extends keyof T>(object: T, key: K, value: T[K]): () => void {
  const own = Object.prototype.hasOwnProperty.call(object, key);
  const before = object[key];
  object[key] = value;
  return () => {
    if (object[key] !== value) return;
    if (own) object[key] = before;
    else delete (object as unknown as Record<PropertyKey, unknown>)[key];
  };
}
