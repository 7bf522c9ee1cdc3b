/**
 * node's spawn, made safe for a supervisor: it throws for some failures (E2BIG, an argument node will not pass)
 * instead of emitting 'error', and its messages may quote the value it refused. Here every failure comes back as a
 * value with a message that names the problem and never quotes a variable.
 */
import { spawn, type ChildProcessByStdio, type SpawnOptions } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { redactText } from '../config/redact.js';

/** `stdin` is a pipe for a tier with `stdin: true` (tier-stdin.ts), else null (the child's is /dev/null). */
export type TierChild = ChildProcessByStdio<Writable | null, Readable, Readable>;
/** `code`: node's error code, when it gave one (a transient one is tried again: TRANSIENT_SPAWN_ERRORS). */
export type SpawnOutcome = { child: TierChild } | { failure: string; code?: string };

const WHY: Record<string, string> = {
  E2BIG: 'the command line and environment are larger than exec accepts (E2BIG)',
  EAGAIN: 'the system refused another process (EAGAIN)',
  ENOMEM: 'not enough memory to start the process (ENOMEM)',
  EMFILE: 'land is out of file descriptors (EMFILE)',
  ENFILE: 'the system is out of file descriptors (ENFILE)',
};

/**
 * Failures of the moment, not of the program (land or the system short of descriptors, processes or memory): the
 * start is tried again after a backoff, outside the restart budget (tier-stop.ts retrySpawn).
 */
export const TRANSIENT_SPAWN_ERRORS: ReadonlySet<string> = new Set(['EMFILE', 'ENFILE', 'EAGAIN', 'ENOMEM']);

/** A spawn failure in words, without the values node may have quoted. */
export function describeSpawnFailure(error: NodeJS.ErrnoException): string {
  const code = error.code ?? '';
  if (code in WHY) return WHY[code]!;
  if (code.startsWith('ERR_INVALID_ARG')) return `an argument or environment value the process cannot receive (${code})`;
  return redactText(error.message);
}

export function spawnTierChild(
  file: string,
  args: string[],
  options: Pick<SpawnOptions, 'cwd' | 'env'> & { stdin?: boolean },
): SpawnOutcome {
  const { stdin, ...spawnOptions } = options;
  try {
    const child = spawn(file, args, { ...spawnOptions, detached: true, stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    return { child: child as TierChild };
  } catch (error) {
    return { failure: describeSpawnFailure(error as NodeJS.ErrnoException), code: (error as NodeJS.ErrnoException).code };
  }
}
