/**
 * In a flood, land rests a moment after a loop turn of short reads, so that the children's sockets fill meanwhile and
 * the next turn reads them in fewer, larger reads. Land's work is mostly per read (the splitter, the log file's write,
 * the event, the printer's item, the wake-up itself), and on an idle machine a flood's reads are ~30 KB: land is woken
 * for every few writes of a child, and pays its per-read work and a context switch each time (docs/decisions.md, "The
 * log relay (twentieth wave)"). The rest is a blocking wait of REST_MS, after the turn's output was written (the
 * printer's flush is queued before it): no timer, no pause or resume of the pipes, and the log files' pool threads
 * write on meanwhile. A turn that read little (a tier's occasional lines) or read large (the sockets already full, a
 * child writing one long line) never waits: only a busy relay is paced, by at most REST_MS a turn.
 */

/** A turn that read at least this much is a flood. */
const BUSY_TURN_BYTES = 16 * 1024;
/** Reads shorter than this on average: land reads faster than the children fill their sockets. */
const SHORT_READ = 48 * 1024;
/** The rest: at a flood's ~25 MB/s a child, ~25 KB more in each socket, far below what it holds (~200 KB). */
export const REST_MS = 1;

let turnBytes = 0;
let turnReads = 0;
let scheduled = false;
let cell: Int32Array | undefined;

/** Blocks the thread for `ms` (the cell is never notified). */
const restFor = (ms: number) => void Atomics.wait((cell ??= new Int32Array(new SharedArrayBuffer(4))), 0, 0, ms);

/** Whether a turn of `reads` reads of `bytes` in all is a flood read in short reads. */
export function shouldRest(bytes: number, reads: number): boolean {
  return reads > 0 && bytes >= BUSY_TURN_BYTES && bytes < SHORT_READ * reads;
}

function endOfTurn(rest: (ms: number) => void): void {
  scheduled = false;
  const paced = shouldRest(turnBytes, turnReads);
  turnBytes = 0;
  turnReads = 0;
  if (paced) rest(REST_MS);
}

/**
 * A read of a child's pipe, after its lines were handed on (so the printer's flush of this turn is queued first).
 * `rest` is for the tests.
 */
export function noteRead(bytes: number, rest: (ms: number) => void = restFor): void {
  turnBytes += bytes;
  turnReads += 1;
  if (scheduled) return;
  scheduled = true;
  setImmediate(endOfTurn, rest);
}
