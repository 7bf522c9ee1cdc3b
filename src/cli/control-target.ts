/**
 * What every control client does first: find the project's socket from -c/--config, and turn what the stack
 * answered into one line and a distinct exit code (see src/control/exit-codes.ts).
 */
import { displayPath } from '../config/display-path.js';
import { ApiError, NoAnswerError, NoStackError } from '../control/client.js';
import { EXIT_BAD_INPUT, EXIT_CONFLICT, EXIT_NO_ANSWER, EXIT_NO_STACK } from '../control/exit-codes.js';
import { projectRoot, socketPath } from '../control/paths.js';
import { InputError } from '../errors.js';
import { ControlError } from '../supervisor/control-error.js';
import { isStopped, outOfDescriptors } from './land-process.js';

export interface TargetOptions {
  config?: string;
  procfile?: string;
}

export interface Target {
  rootDir: string;
  socket: string;
}

export function findTarget(options: TargetOptions): Target {
  const rootDir = projectRoot(options);
  return { rootDir, socket: socketPath(rootDir) };
}

const CONFLICTS = new Set(['already-running', 'not-running', 'gated', 'dependency-unmet', 'shutting-down', 'stdin-full', 'stdin-closed', 'scheduled']);
const BAD_INPUT = new Set(['unknown-tier', 'bad-request', 'not-found']);

/** The stack took the connection but did not answer: say why when /proc can tell (a stopped land). */
async function noAnswer(error: NoAnswerError, target: Target): Promise<InputError> {
  const where = displayPath(target.rootDir) || '.';
  // Loaded only here: the pid file's module brings the process-tree code, which a quick client does not need.
  const { inOtherNamespace, readPidRecord } = await import('../supervisor/pidfile.js');
  const record = readPidRecord(target.rootDir);
  // A pid of another namespace (a land in a container) is not looked up here: it is some other process, or none.
  const pid = inOtherNamespace(record) ? undefined : record?.pid;
  const seconds = `${error.timeoutMs / 1000} s`;
  const why =
    pid === undefined
      ? 'it may be overloaded or hung'
      : isStopped(pid)
        ? `land pid ${pid} is stopped (SIGSTOP or Ctrl-Z): resume it with \`kill -CONT ${pid}\``
        : (outOfDescriptors(pid) ?? `land pid ${pid} may be overloaded or hung`);
  return new InputError(`the stack in ${where} did not answer within ${seconds}: ${why}`, EXIT_NO_ANSWER);
}

/** A refusal from the stack or the absence of one, as an InputError carrying its exit code; anything else as is. */
export function asCliError(error: unknown, target: Target): unknown {
  if (error instanceof NoStackError) {
    const where = displayPath(target.rootDir) || '.';
    // A stack that stopped while the request came in: no stack runs any more, but say what happened.
    if (error.wentAway) return new InputError(`the stack in ${where} stopped before it answered (it was shutting down, or died)`, EXIT_NO_STACK);
    return new InputError(`no stack is running in ${where}: start one with \`land up\``, EXIT_NO_STACK);
  }
  if (error instanceof ApiError || error instanceof ControlError) {
    if (CONFLICTS.has(error.code)) return new InputError(error.message, EXIT_CONFLICT);
    if (BAD_INPUT.has(error.code)) return new InputError(error.message, EXIT_BAD_INPUT);
  }
  return error;
}

/**
 * Run a client action against the project's stack, mapping its failures. Nothing listening: a land that is
 * booting is waited for and the action sent again (nothing of it reached a stack), a land that died or is exiting
 * is said (src/cli/no-stack.ts).
 */
export async function withStack<T>(options: TargetOptions, action: (target: Target) => Promise<T>): Promise<T> {
  const target = findTarget(options);
  for (;;) {
    try {
      return await action(target);
    } catch (error) {
      if (error instanceof NoAnswerError) throw await noAnswer(error, target);
      if (!(error instanceof NoStackError)) throw asCliError(error, target);
      if (error.wentAway) throw (await import('./no-stack.js')).afterWentAway(target, asCliError(error, target) as Error);
      await (await import('./no-stack.js')).afterNoSocket(target, asCliError(error, target) as Error);
    }
  }
}
