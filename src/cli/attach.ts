/**
 * `land attach <tier>`: the tier's output as it comes (its recent lines first), and what the user types sent to its
 * stdin a line at a time (a tier with `stdin: true`). In a terminal the terminal itself echoes and edits the line
 * (cooked mode) and Enter sends it; Ctrl-D at a line's start (the input's end) or Ctrl-C detaches, and the tier runs
 * on. With a stdin that is no terminal (a file, a pipe), its lines go to the tier, then attach ends once the tier's
 * output has been quiet for QUIET_MS, DRAIN_MS at most. `land send <tier> <text…>`: one write, for scripts.
 */
import type { StreamEnd } from '../control/client.js';
import { EXIT_CONFLICT, EXIT_STREAM_LOST } from '../control/exit-codes.js';
import type { LogLine } from '../control/protocol.js';
import { InputError, oneLine } from '../errors.js';
import { lineCount } from '../logs/line-count.js';
import { MAX_STDIN_BODY } from '../supervisor/tier-stdin.js';
import { InputSender, postInput, readLines } from './attach-input.js';
import { AttachOutput } from './attach-output.js';
import { withStack, type Target, type TargetOptions } from './control-target.js';
import { streamToStdout } from './logs.js';

export interface AttachOptions extends TargetOptions {
  /** `-n`: how many recent lines are shown first. */
  lines?: string;
}

const DEFAULT_LINES = 10;
/** Piped input: once it is all taken, attach waits for the tier's output to be quiet this long… */
const QUIET_MS = 500;
/** …and no longer than this. */
const DRAIN_MS = 5000;

function parseLines(value: string | undefined): number {
  if (value === undefined) return DEFAULT_LINES;
  const lines = lineCount(value);
  if (lines === undefined) throw new InputError(`--lines: expected a whole number ≥ 0, got "${value}"`);
  return lines;
}

/** Said after a Ctrl-] line with no letter it knows (the line said when attaching points to it). */
const ESCAPES = 'Ctrl-] then c, Enter: interrupt it (SIGINT); Ctrl-] then d, Enter: close its stdin';

/**
 * A typed line that is Ctrl-] and a letter (telnet's escape character: no text a person types holds it): `c` sends
 * the tier SIGINT and `d` the end of its input, after what was typed before; anything else says the two. The
 * terminal stays in cooked mode (it echoes and edits), so the line ends with Enter as every other does.
 */
function escapeLine(line: Buffer, tier: string, sender: InputSender): boolean {
  if (line[0] !== 0x1d) return false;
  const letter = line.toString('utf8', 1).replace(/\r?\n$/, '').toLowerCase();
  if (letter === 'c') sender.sendAfter({ interrupt: true });
  else if (letter === 'd') sender.sendAfter({ eof: true });
  process.stderr.write(letter === 'c' ? `land: interrupted ${tier} (SIGINT)\n` : letter === 'd' ? `land: closed the stdin of ${tier}\n` : `land: ${ESCAPES}\n`);
  return true;
}

type Outcome = { end: StreamEnd } | { input: true } | { detached: true } | { refused: Error };

export async function attachCommand(tier: string, options: AttachOptions): Promise<number> {
  const limit = parseLines(options.lines);
  // An empty write first: a tier that takes no input, or is not running, is said before anything is shown.
  const target = await withStack(options, async (found) => {
    await postInput(found.socket, tier, Buffer.alloc(0));
    return found;
  });
  // Ctrl-C detaches from here on, also while the stream is being opened: attach ends with 0, never killed by it.
  let detach!: () => void;
  const detached = new Promise<void>((resolve) => (detach = resolve));
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of signals) process.once(signal, detach);
  try {
    return await follow(tier, limit, { options, target }, detached);
  } finally {
    for (const signal of signals) process.off(signal, detach);
  }
}

/** The tier's output to stdout and stdin's lines to the tier, until one of them ends or the user detaches. */
async function follow(tier: string, limit: number, stack: { options: AttachOptions; target: Target }, detached: Promise<void>): Promise<number> {
  const { options, target } = stack;
  const terminal = process.stdin.isTTY === true;
  // Said before the tier's lines come: its open prompt, if any, is then the last thing on the screen.
  if (terminal) process.stderr.write(`land: attached to ${tier}: Enter sends the line to its stdin; Ctrl-D at a line's start or Ctrl-C detaches (${tier} runs on); Ctrl-] for more\n`);
  const output = new AttachOutput();
  let lastOutputAt = 0;
  const query = new URLSearchParams({ format: 'ndjson', follow: '1', limit: String(limit) });
  const stream = await withStack(options, ({ socket }) =>
    streamToStdout(socket, `/tiers/${encodeURIComponent(tier)}/logs?${query}`, (text) => {
      lastOutputAt = Date.now();
      return output.render(JSON.parse(text) as LogLine);
    }),
  );
  let refuse!: (error: Error) => void;
  const refused = new Promise<Error>((resolve) => (refuse = resolve));
  const sender = new InputSender({
    target,
    tier,
    onRefused: (error) => {
      if (!terminal) {
        refuse(error);
        return 'fail';
      }
      // In a terminal the user sees why, and may type again (once the tier runs again, say).
      process.stderr.write(`land: ${oneLine(error)}: not sent\n`);
      return 'drop';
    },
  });
  const input = readLines(process.stdin, (line) => {
    if (terminal) output.lineTyped();
    if (terminal && escapeLine(line, tier, sender)) return true;
    const more = sender.send(line);
    if (!more) sender.whenLow(input.resume);
    return more;
  });
  try {
    const outcome: Outcome = await Promise.race([
      stream.done.then((end) => ({ end })),
      input.done.then(() => ({ input: true as const })),
      detached.then(() => ({ detached: true as const })),
      refused.then((error) => ({ refused: error })),
    ]);
    if ('refused' in outcome) throw outcome.refused;
    if ('end' in outcome) return streamEnded(tier, outcome.end, stream.endedBecause());
    if ('input' in outcome) {
      // What was typed or read before the end goes first (in a terminal a refusal is said, not thrown).
      await Promise.race([sender.idle(), refused.then((error) => Promise.reject(error))]);
      if (!terminal) await quiet(stream.done, () => lastOutputAt);
    }
    return 0;
  } finally {
    stream.close();
    process.stdin.pause();
  }
}

/**
 * The follow stream ended before the user detached: the stack stopped (0), the tier was removed (`land apply`,
 * `land scale`: EXIT_CONFLICT, as a replica removed while a command waited), or land died (EXIT_STREAM_LOST).
 */
function streamEnded(tier: string, end: StreamEnd, removed: string | undefined): number {
  if (end === 'ended' && removed !== undefined) {
    process.stderr.write(`land: ${removed}; detached from ${tier}\n`);
    return EXIT_CONFLICT;
  }
  if (end !== 'lost') {
    process.stderr.write(`land: the stack stopped; detached from ${tier}\n`);
    return 0;
  }
  process.stderr.write(`land: the output of ${tier} was cut off before the stack stopped (land died, or this reader stayed behind too long)\n`);
  return EXIT_STREAM_LOST;
}

/** Until the output has been quiet for QUIET_MS since now (the input all taken), DRAIN_MS at most, or the stream ends. */
async function quiet(done: Promise<unknown>, lastOutputAt: () => number): Promise<void> {
  const from = Date.now();
  const until = from + DRAIN_MS;
  let ended = false;
  void done.then(() => (ended = true));
  while (!ended) {
    const now = Date.now();
    const quietFor = now - Math.max(from, lastOutputAt());
    if (quietFor >= QUIET_MS || now >= until) return;
    await new Promise((resolve) => setTimeout(resolve, Math.min(QUIET_MS - quietFor, until - now)));
  }
}

export interface SendOptions extends TargetOptions {
  /** `--no-newline`: the text as given, without the newline that ends a typed line. */
  newline?: boolean;
  /** `--eof`: then close the tier's stdin. */
  eof?: boolean;
  /** `--interrupt`: then send the tier SIGINT. */
  interrupt?: boolean;
}

/**
 * `land send <tier> [text…]`: the words joined by spaces, and a newline (as Enter would), in one write; then the
 * end of input (`--eof`) or SIGINT (`--interrupt`), which may come without text.
 */
export async function sendCommand(tier: string, words: string[], options: SendOptions): Promise<number> {
  const after = { eof: options.eof === true, interrupt: options.interrupt === true };
  if (words.length === 0 && !after.eof && !after.interrupt) throw new InputError('<text>: expected the words to send (or --eof, --interrupt)');
  const bytes = Buffer.from(words.length === 0 ? '' : `${words.join(' ')}${options.newline === false ? '' : '\n'}`);
  if (bytes.length > MAX_STDIN_BODY) {
    throw new InputError(`<text>: expected at most ${MAX_STDIN_BODY / 1024} KiB, got ${bytes.length} bytes: pipe a file into \`land attach ${tier}\` instead`);
  }
  await withStack(options, ({ socket }) => postInput(socket, tier, bytes, after));
  return 0;
}
