/**
 * `land run` beside the project's running stack: the command is one more process of that stack's telemetry picture,
 * as its tiers are: it joins the boot's trace under the boot's root span (`land.boot`) and exports to the stack's
 * receiver (which forwards to the collector when the OTLP pipe is on). It keeps a boot id of its own: the stack's
 * would make it one of the boot's processes, which the stack's guardian and stray search end, and its own guardian
 * reaps everything bearing that id.
 */
import { RECEIVER_PROTOCOL } from '../config/receiver.js';
import type { BootPlan } from '../config/types.js';
import type { StackSnapshot } from '../supervisor/types.js';
import { readOuterContext, type OuterContext } from '../telemetry/outer-context.js';

/**
 * How long `land run` waits for the stack's answer: it only enriches the command's environment (its trace, its
 * receiver), so a stack that hangs delays the command this long at most, not a control command's 5 s.
 */
export const RUN_STATUS_MS = 1000;

/** The snapshot, with the boot's TRACESTATE / BAGGAGE when land was started with them (GET /status?context). */
type RunStatus = StackSnapshot & { traceContext?: Record<string, string> };

/** The running stack's snapshot (`status`); none when no stack runs, or `silent` when one took the request but did not answer in time. */
export interface RunningStack {
  status?: RunStatus;
  silent?: true;
}

/**
 * The running stack's snapshot; none when no stack answers on the project's socket, or none in time (said on
 * stderr: the command then runs on a trace of its own, as with no stack).
 */
export async function runningStack(plan: BootPlan): Promise<RunningStack> {
  const [{ NoAnswerError, requestJsonWithin }, { socketPath }] = await Promise.all([import('../control/client.js'), import('../control/paths.js')]);
  try {
    return { status: await requestJsonWithin<RunStatus>(socketPath(plan.config.rootDir), '/status?context', RUN_STATUS_MS) };
  } catch (error) {
    if (!(error instanceof NoAnswerError)) return {};
    process.stderr.write(`land: note: the running stack did not answer within ${error.timeoutMs} ms; the command runs without joining its trace or receiver\n`);
    return { silent: true };
  }
}

/** What a command run beside a stack joins: the boot's trace and root span, and the receiver when it runs. */
export interface StackTelemetry {
  traceId: string;
  /** Absent from an older land's answer: the command's parent is then a span id nobody exports. */
  parentSpanId?: string;
  otlpEndpoint?: string;
  otlpProtocol?: string;
  /** The boot's TRACESTATE and BAGGAGE, when land was started with them: its tiers get them too. */
  outer?: Pick<OuterContext, 'parent' | 'baggage'>;
}

/** A stack shutting down is about to take its receiver away: nothing is joined. */
export function stackTelemetry(stack: RunStatus | undefined): StackTelemetry | undefined {
  if (stack === undefined || stack.shuttingDown) return undefined;
  const endpoint = stack.receiver?.state === 'on' ? stack.receiver.endpoint : undefined;
  return {
    traceId: stack.traceId,
    ...(stack.bootSpanId ? { parentSpanId: stack.bootSpanId } : {}),
    ...(endpoint ? { otlpEndpoint: endpoint, otlpProtocol: RECEIVER_PROTOCOL } : {}),
    ...(stack.traceContext ? { outer: readOuterContext(stack.traceContext) } : {}),
  };
}
