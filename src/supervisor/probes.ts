/** Readiness and liveness probes: a log line, a TCP port, an HTTP 2xx, or a command exiting 0. */
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { redactArgs, redactText } from '../config/redact.js';
import type { ProbeSpec } from '../config/types.js';
import { runSideCommand } from './side-command.js';
import { steadyNow } from '../runtime/steady-clock.js';

export interface ProbeContext {
  cwd: string;
  env: Record<string, string>;
  /** Lines the tier has written in its current life, so a log probe also sees lines from before it started. */
  seenLines(): readonly string[];
  /** Called for each new line until the returned function is called. */
  onLine(listener: (line: string) => void): () => void;
  /** Told of each exec attempt as it begins: it settles once the attempt's processes are gone (the tier's end waits on it). */
  track?(attempt: Promise<unknown>): void;
}

const POLL_MS = 50;
const ATTEMPT_MS = 1_000;

/** The probe in words for status, events and errors: credentials in its URL or arguments masked. */
export function describeProbe(spec: ProbeSpec): string {
  if ('log' in spec) return `log ${String(spec.log)}`;
  if ('tcp' in spec) return `tcp ${spec.host ?? '127.0.0.1'}:${spec.tcp}`;
  if ('http' in spec) return `http ${redactText(spec.http)}`;
  return `exec ${redactArgs(spec.exec).join(' ')}`;
}

function toRegExp(pattern: string | RegExp): RegExp {
  return typeof pattern === 'string' ? new RegExp(pattern) : pattern;
}

// Attempts are bounded by their own timeouts rather than tied to the waiting signal: tying each attempt to it
// would add a listener per attempt to one long-lived signal.
function tcpAccepts(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host, timeout: ATTEMPT_MS });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

/**
 * fetch refuses a URL with credentials in it (`http://user:password@host/`): they are sent as Basic authorization,
 * as curl and browsers do.
 */
function withoutCredentials(text: string): { url: string; headers: Record<string, string> } {
  const url = new URL(text);
  if (url.username === '' && url.password === '') return { url: text, headers: {} };
  const basic = Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64');
  url.username = '';
  url.password = '';
  return { url: url.href, headers: { authorization: `Basic ${basic}` } };
}

async function httpAnswers(target: string): Promise<boolean> {
  try {
    const { url, headers } = withoutCredentials(target);
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(ATTEMPT_MS * 2) });
    await response.body?.cancel();
    return response.status >= 200 && response.status < 300;
  } catch {
    return false;
  }
}

let probeCount = 0;

/**
 * The command runs beside the tier (side-command.ts): a group of its own, a mark of its own; however it ends (exit,
 * its time bound, the tier stopping), whatever it started dies with it. A probe is a check; nothing it starts may
 * outlive it.
 */
async function commandSucceeds(argv: string[], context: ProbeContext, signal?: AbortSignal): Promise<boolean> {
  const marks = { LAND_PROBE: `${process.pid}-${++probeCount}` };
  const run = runSideCommand({
    argv,
    cwd: context.cwd,
    env: { ...context.env, ...marks },
    marks,
    output: false,
    deadline: steadyNow() + ATTEMPT_MS * 5,
    cancel: signal,
  });
  const exit = await run.exited;
  // Until nothing of it is left (a SIGKILLed process still counts until the kernel has taken it), bounded.
  await run.done;
  return 'code' in exit && exit.code === 0 && !exit.canceled && !exit.overdue;
}

/** One attempt of a probe; `signal` cuts an exec probe short (the tier is stopping). */
export function checkProbe(spec: ProbeSpec, context: ProbeContext, signal?: AbortSignal): Promise<boolean> {
  if ('log' in spec) {
    const pattern = toRegExp(spec.log);
    return Promise.resolve(context.seenLines().some((line) => pattern.test(line)));
  }
  if ('tcp' in spec) return tcpAccepts(spec.tcp, spec.host ?? '127.0.0.1');
  if ('http' in spec) return httpAnswers(spec.http);
  const attempt = commandSucceeds(spec.exec, context, signal);
  context.track?.(attempt);
  return attempt;
}

function waitForLine(pattern: RegExp, context: ProbeContext, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (context.seenLines().some((line) => pattern.test(line))) return resolve();
    const stop = context.onLine((line) => {
      if (!pattern.test(line)) return;
      stop();
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
    const onAbort = () => {
      stop();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Resolves when the probe first passes; rejects with a reason when its timeout passes or `signal` aborts
 * (the tier exited or is being stopped).
 */
export async function waitForProbe(
  spec: ProbeSpec & { timeoutMs: number },
  context: ProbeContext,
  signal: AbortSignal,
): Promise<void> {
  const timeout = afterPendingInput(spec.timeoutMs);
  const both = AbortSignal.any([signal, timeout.signal]);
  const reasonFor = () =>
    timeout.signal.aborted ? new Error(`readiness probe (${describeProbe(spec)}) did not pass within ${spec.timeoutMs} ms`) : both.reason;
  try {
    if ('log' in spec) {
      await waitForLine(toRegExp(spec.log), context, both).catch(() => {
        throw reasonFor();
      });
      return;
    }
    while (!both.aborted) {
      if (await checkProbe(spec, context, both)) return;
      await sleep(POLL_MS, undefined, { signal: both }).catch(() => undefined);
    }
    throw reasonFor();
  } finally {
    timeout.clear();
  }
}

/**
 * A timeout judged only once what already waits has been taken. A timer runs in the loop's first phase, before the
 * poll phase reads pipes and sockets: after a stall longer than the timeout (land stopped, a long GC, heavy load) a
 * ready line printed in time, or an exec probe's exit, still sat unread when the timer fired. Two turns of the loop,
 * each with a poll phase, read it first.
 */
export function afterPendingInput(ms: number): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  let immediate: NodeJS.Immediate | undefined;
  const abort = () => controller.abort(new Error(`timed out after ${ms} ms`));
  const timer = setTimeout(() => {
    immediate = setImmediate(() => (immediate = setImmediate(abort)));
  }, ms).unref();
  return {
    signal: controller.signal,
    clear: () => {
      clearTimeout(timer);
      if (immediate) clearImmediate(immediate);
    },
  };
}
