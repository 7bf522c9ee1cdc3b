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

/** The running stack's snapshot (GET /status); undefined when no stack answers on the project's socket. */
export async function runningStack(plan: BootPlan): Promise<StackSnapshot | undefined> {
  const [{ requestJson }, { socketPath }] = await Promise.all([import('../control/client.js'), import('../control/paths.js')]);
  try {
    return await requestJson<StackSnapshot>(socketPath(plan.config.rootDir), 'GET', '/status');
  } catch {
    return undefined;
  }
}

/** What a command run beside a stack joins: the boot's trace and root span, and the receiver when it runs. */
export interface StackTelemetry {
  traceId: string;
  /** Absent from an older land's answer: the command's parent is then a span id nobody exports. */
  parentSpanId?: string;
  otlpEndpoint?: string;
  otlpProtocol?: string;
}

/** A stack shutting down is about to take its receiver away: nothing is joined. */
export function stackTelemetry(stack: StackSnapshot | undefined): StackTelemetry | undefined {
  if (stack === undefined || stack.shuttingDown) return undefined;
  const endpoint = stack.receiver?.state === 'on' ? stack.receiver.endpoint : undefined;
  return {
    traceId: stack.traceId,
    ...(stack.bootSpanId ? { parentSpanId: stack.bootSpanId } : {}),
    ...(endpoint ? { otlpEndpoint: endpoint, otlpProtocol: RECEIVER_PROTOCOL } : {}),
  };
}
