/**
 * The input side of `land attach`: lines read from its stdin, sent in order to the tier's stdin through the control
 * API (POST /tiers/<tier>/stdin), one request at a time. A tier not reading its stdin fills land's bounded queue for
 * it: the request asks the stack to wait for room (`wait=1`: the tier's `stdin-drained`, as `land spawn`'s relay
 * waits) for up to 10 s before it refuses the bytes (`stdin-full`); a land older than that refuses at once, and is
 * asked again for as long (postWaiting).
 */
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, requestJson } from '../control/client.js';
import { FULL_WAIT_MS, type StdinResult } from '../control/protocol.js';
import { MAX_STDIN_BODY } from '../supervisor/tier-stdin.js';
import type { StdinAfter } from '../supervisor/types.js';
import { asCliError, type Target } from './control-target.js';
import { EXIT_CONFLICT } from '../control/exit-codes.js';
import { InputError } from '../errors.js';

/** Past this much read and not yet sent, attach stops reading its stdin until the tier has taken some. */
const HIGH_WATER = 1024 * 1024;

const stdinPath = (tier: string) => `/tiers/${encodeURIComponent(tier)}/stdin`;

/**
 * One write to a tier's stdin (an empty one asks whether the tier takes input now), then its end or an interrupt;
 * `wait`: the stack waits for room in a full queue (up to 10 s) rather than refusing at once.
 */
export function postInput(socket: string, tier: string, bytes: Buffer, after: StdinAfter & { wait?: boolean } = {}): Promise<StdinResult> {
  const flags = { eof: after.eof, interrupt: after.interrupt, wait: after.wait };
  const query = new URLSearchParams(Object.entries(flags).flatMap(([name, on]): Array<[string, string]> => (on ? [[name, '1']] : []))).toString();
  return requestJson<StdinResult>(socket, 'POST', `${stdinPath(tier)}${query ? `?${query}` : ''}`, bytes, after.wait ? FULL_WAIT_MS : 0);
}

export interface SenderOptions {
  target: Target;
  tier: string;
  /**
   * What the stack refused (the tier not running, or not reading its stdin for 10 s), as a CLI error:
   * `drop` forgets what waits and goes on (a terminal: the user sees why and types again), `fail` ends the sending.
   */
  onRefused(error: Error): 'drop' | 'fail';
}

/** Bytes sent in the order given, batched up to a request's bound, one request at a time. */
export class InputSender {
  private readonly queue: Array<Buffer | StdinAfter> = [];
  private waiting = 0;
  private pumping?: Promise<void>;
  private failure?: Error;
  private onLow?: () => void;

  constructor(private readonly options: SenderOptions) {}

  /** Queue bytes; false when enough waits that the reader should pause until `whenLow`'s callback. */
  send(bytes: Buffer): boolean {
    if (this.failure || bytes.length === 0) return true;
    this.queue.push(bytes);
    this.waiting += bytes.length;
    this.pumping ??= this.pump().finally(() => (this.pumping = undefined));
    return this.waiting < HIGH_WATER;
  }

  /** After what is queued: close the tier's stdin, or interrupt it (Ctrl-] d, Ctrl-] c in attach). */
  sendAfter(after: StdinAfter): void {
    if (this.failure) return;
    this.queue.push(after);
    this.pumping ??= this.pump().finally(() => (this.pumping = undefined));
  }

  whenLow(callback: () => void): void {
    this.onLow = callback;
  }

  /** Resolves once everything queued is sent; rejects with the refusal that ended the sending. */
  async idle(): Promise<void> {
    while (this.pumping) await this.pumping;
    if (this.failure) throw this.failure;
  }

  private async pump(): Promise<void> {
    while (this.queue.length > 0 && !this.failure) {
      const first = this.queue[0]!;
      const after = Buffer.isBuffer(first) ? undefined : (this.queue.shift() as StdinAfter);
      await this.deliver(after ? Buffer.alloc(0) : this.take(), after);
      if (this.waiting < HIGH_WATER && this.onLow) {
        const resume = this.onLow;
        this.onLow = undefined;
        resume();
      }
    }
  }

  /** What waits, up to one request's bound (a longer piece is cut there; the rest stays first in line). */
  private take(): Buffer {
    const parts: Buffer[] = [];
    let size = 0;
    while (this.queue.length > 0 && size < MAX_STDIN_BODY && Buffer.isBuffer(this.queue[0])) {
      const next = this.queue[0] as Buffer;
      const room = MAX_STDIN_BODY - size;
      if (next.length > room) {
        parts.push(next.subarray(0, room));
        this.queue[0] = next.subarray(room);
        size += room;
        break;
      }
      parts.push(next);
      this.queue.shift();
      size += next.length;
    }
    this.waiting -= size;
    return Buffer.concat(parts, size);
  }

  private async deliver(batch: Buffer, after?: StdinAfter): Promise<void> {
    const { target, tier } = this.options;
    try {
      await postWaiting(target.socket, tier, batch, after);
    } catch (error) {
      const refused = asRefusal(error, target);
      this.queue.length = 0;
      this.waiting = 0;
      if (this.options.onRefused(refused) === 'fail') this.failure = refused;
    }
  }
}

/** The first pause before a full queue is asked again, doubled up to the last (an older land's backoff). */
const RETRY_FIRST_MS = 50;
const RETRY_LAST_MS = 1000;

/**
 * One write that waits for room in a full queue. A land older than `wait=1` ignores it and refuses a full queue at
 * once: the write is asked again after a pause (50 ms doubling to 1 s) for as long as a newer land would have waited
 * (FULL_WAIT_MS), so that a line is not dropped for a stack started by an older land. A newer land answers
 * `stdin-full` only once that wait is over, so it is never asked again.
 */
async function postWaiting(socket: string, tier: string, batch: Buffer, after: StdinAfter | undefined): Promise<void> {
  const deadline = Date.now() + FULL_WAIT_MS;
  for (let pause = RETRY_FIRST_MS; ; pause = Math.min(pause * 2, RETRY_LAST_MS)) {
    try {
      await postInput(socket, tier, batch, { ...after, wait: true });
      return;
    } catch (error) {
      const full = error instanceof ApiError && error.code === 'stdin-full';
      if (!full || Date.now() + pause > deadline) throw error;
      await sleep(pause);
    }
  }
}

/**
 * A refusal of input already under way, as a CLI error. The tier took input when attach began (its first, empty
 * write asked), so "takes no input" now means `land apply` turned its `stdin` off meanwhile: no longer taking input
 * is a conflict (exit 4, as a tier that closed its stdin), not the bad input of naming such a tier (exit 2).
 */
function asRefusal(error: unknown, target: Target): Error {
  if (error instanceof ApiError && error.code === 'bad-request') return new InputError(`${error.message} (it took input when attach began)`, EXIT_CONFLICT);
  return asCliError(error, target) as Error;
}

/**
 * Each line of `input` (its newline kept; a last line without one gets one; one longer than a request in pieces)
 * handed to `onLine` as bytes, undecoded.
 * Resolves when the input ends. `onLine` answering false pauses the reading until `resume` is called.
 */
export function readLines(input: Readable, onLine: (line: Buffer) => boolean): { done: Promise<void>; resume: () => void } {
  let rest: Buffer = Buffer.alloc(0);
  const done = new Promise<void>((resolve) => {
    input.on('data', (chunk: Buffer) => {
      let data = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
      let more = true;
      for (let newline = data.indexOf(10); newline !== -1; newline = data.indexOf(10)) {
        more = onLine(data.subarray(0, newline + 1)) && more;
        data = data.subarray(newline + 1);
      }
      // A line longer than a request goes on in pieces: what waits for its end stays bounded.
      if (data.length >= MAX_STDIN_BODY) {
        more = onLine(data) && more;
        data = Buffer.alloc(0);
      }
      rest = data;
      if (!more) input.pause();
    });
    const end = () => {
      if (rest.length > 0) onLine(Buffer.concat([rest, Buffer.from('\n')]));
      rest = Buffer.alloc(0);
      resolve();
    };
    input.once('end', end);
    // A stdin that fails (a terminal hung up: EIO) ends the input as its end does.
    input.once('error', end);
  });
  return { done, resume: () => input.resume() };
}
