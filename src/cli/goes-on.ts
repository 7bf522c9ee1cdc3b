/**
 * Ctrl-C (or SIGTERM, SIGHUP) while `land stop`, `restart`, `scale`, `reload` or `apply` waits for the stack's answer:
 * land carries the request through anyway, so the client says so as it exits (128 + n, as Node's default exit did,
 * silently), rather than leaving the person to guess whether the tier was stopped.
 */
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
type WaitSignal = keyof typeof EXIT_CODES;

export async function sayingItGoesOn<T>(what: string, work: () => Promise<T>): Promise<T> {
  const onSignal = (signal: WaitSignal) => {
    process.stderr.write(`land: the ${what} goes on in the stack; land status shows it\n`);
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
