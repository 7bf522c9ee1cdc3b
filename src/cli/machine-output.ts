/**
 * Commands whose stdout is for a program (`--json`, the command of `land run`): whatever else writes to stdout while
 * they run (a config's `console.log('loading config…')` as it loads, a `when` predicate, a helper it imports) goes
 * to stderr instead, so the output stays valid JSON (or the command's own bytes). The command writes its own output
 * with `writeOut`, past the detour.
 */
type Write = typeof process.stdout.write;

let own: Write | undefined;

/** From now until the returned release, stdout's writes go to stderr; `writeOut` still reaches stdout. */
function reserveStdout(): () => void {
  if (own !== undefined) return () => {};
  const stdout = process.stdout;
  const ownProperty = Object.hasOwn(stdout, 'write');
  own = stdout.write;
  // console.log writes through the stream's `write` property, so this catches it as well as direct writes.
  stdout.write = ((...args: Parameters<Write>) => process.stderr.write(...(args as Parameters<typeof process.stderr.write>))) as Write;
  return () => {
    if (own === undefined) return;
    if (ownProperty) stdout.write = own;
    else delete (stdout as { write?: Write }).write; // the prototype's again
    own = undefined;
  };
}

/** The command's own output, on stdout whether or not it is reserved. */
export function writeOut(text: string): boolean {
  return (own ?? process.stdout.write).call(process.stdout, text);
}

/** Runs `command` with stdout reserved when `machine` says its stdout is for a program; released however it ends. */
export async function withMachineStdout<T>(machine: boolean | undefined, command: () => Promise<T>): Promise<T> {
  const release = machine ? reserveStdout() : undefined;
  try {
    return await command();
  } finally {
    release?.();
  }
}
