/**
 * Ctrl-C (or SIGTERM, SIGHUP) while `land up` starts, before the stack's own exit paths (boot-exits.ts) have the
 * signals: with no listener node died of it on the spot, exit 130 without a word, whatever the start had made by then
 * (the folder's claim, the guardian, the control socket). Now the signal is kept (from bin/land.js on, while land
 * loads) and the start stops at its next step: a start not yet opened undoes what it made as a refused start does and
 * throws `StartInterrupted`; an opened stack that has not started its tiers shuts down as on any signal (boot-run.ts).
 * Either way: `land: interrupted while starting (SIGINT); nothing left running`, exit 128 + n.
 */
import { constants } from 'node:os';
import { InputError } from '../errors.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** Set by bin/land.js for `land up`: the first signal that came while land loaded, and the listener that kept it. */
const EARLY_SIGNAL = Symbol.for('land.earlySignal');
const EARLY_LISTENER = Symbol.for('land.earlySignalListener');

/** The line and exit code of a start that a signal cut short (128 + n, as a shell reports a job the signal ended). */
export const interruptedLine = (signal: NodeJS.Signals): string => `interrupted while starting (${signal}); nothing left running`;
export const interruptedCode = (signal: NodeJS.Signals): number => 128 + constants.signals[signal];

export class StartInterrupted extends InputError {
  constructor(readonly signal: NodeJS.Signals) {
    super(interruptedLine(signal), interruptedCode(signal));
    this.name = 'StartInterrupted';
  }
}

export interface StartGuard {
  /** Throws StartInterrupted when a signal came: at each step of the start before the stack opens. */
  check(): void;
  /** `work`, or StartInterrupted as soon as a signal comes: a slow step (the config's load, a claim's wait) ends then. */
  race<T>(work: Promise<T>): Promise<T>;
  /** The stack's exit paths take the signals over: the one that came meanwhile, if any, for them to act on. */
  handOver(): NodeJS.Signals | undefined;
}

type Globals = { [EARLY_SIGNAL]?: NodeJS.Signals; [EARLY_LISTENER]?: (signal: NodeJS.Signals) => void };

/** Keeps the first signal from now until handOver() (or the start's end: then nothing listens any more). */
export function guardStart(): StartGuard {
  const globals = globalThis as Globals;
  let signal = globals[EARLY_SIGNAL];
  /** The races under way: each rejects at the signal. */
  const waiting = new Set<(error: StartInterrupted) => void>();
  const keep = (received: NodeJS.Signals) => {
    if (signal !== undefined) return;
    signal = received;
    for (const reject of waiting) reject(new StartInterrupted(received));
  };
  for (const name of SIGNALS) process.on(name, keep);
  // bin/land.js's listener goes once this one listens: no moment without one.
  const early = globals[EARLY_LISTENER];
  if (early) for (const name of SIGNALS) process.off(name, early);
  delete globals[EARLY_LISTENER];
  const check = () => {
    if (signal !== undefined) throw new StartInterrupted(signal);
  };
  return {
    // Still listening after: a second Ctrl-C must not cut short the undoing of the start.
    check,
    race<T>(work: Promise<T>): Promise<T> {
      check();
      return new Promise<T>((resolve, reject) => {
        waiting.add(reject);
        // What the work does after the signal is dropped: land is on its way out.
        work.then(resolve, reject).finally(() => waiting.delete(reject));
      });
    },
    handOver() {
      for (const name of SIGNALS) process.off(name, keep);
      const received = signal;
      signal = undefined;
      return received;
    },
  };
}
