/**
 * Ctrl-C (or SIGTERM, SIGHUP) while `land stop`, `restart`, `scale`, `reload`, `apply` or `down` waits for the stack's
 * answer: land carries the request through anyway, so the client says so as it exits (128 + n, as Node's default exit
 * did, silently), rather than leaving the person to guess whether the tier was stopped.
 */
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
type WaitSignal = keyof typeof EXIT_CODES;

/** `work`, and if a signal comes first, `line()` (what goes on) said and the exit code of that signal. */
export async function sayingOnInterrupt<T>(line: () => string, work: () => Promise<T>): Promise<T> {
  const onSignal = (signal: WaitSignal) => {
    process.stderr.write(`${line()}\n`);
    process.exit(EXIT_CODES[signal]);
  };
  const signals = Object.keys(EXIT_CODES) as WaitSignal[];
  for (const signal of signals) process.on(signal, onSignal);
  try {
    return await work();
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
  }
}

export function sayingItGoesOn<T>(what: string, work: () => Promise<T>): Promise<T> {
  return sayingOnInterrupt(() => `land: the ${what} goes on in the stack; land status shows it`, work);
}
