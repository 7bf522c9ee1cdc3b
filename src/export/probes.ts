/**
 * land's probes as commands, for engines that can only run one (systemd's ExecStartPost, Compose's healthcheck, a
 * Kubernetes exec probe): each check exits 0 once when the probe passes. Plain POSIX tools: bash's /dev/tcp for a
 * port, curl (or wget) for HTTP, the probe's own argv for exec. A log probe has no command: each engine says how it
 * handles it.
 */
import type { ProbeSpec } from '../config/types.js';
import { shellWords, type Word } from './secret-words.js';

/** One attempt of the probe as an argv, or undefined for a log probe. */
export function probeCheck(spec: ProbeSpec): string[] | undefined {
  if ('tcp' in spec) return ['bash', '-c', `exec 3<>/dev/tcp/${spec.host ?? '127.0.0.1'}/${spec.tcp}`];
  if ('http' in spec) {
    return ['sh', '-c', 'curl -fsS -o /dev/null --max-time 2 "$1" || wget -q -T 2 -O /dev/null "$1"', 'http-probe', spec.http];
  }
  if ('exec' in spec) return [...spec.exec];
  return undefined;
}

/**
 * The check of one replica of a tier whose replicas run side by side on one host (systemd), when the probe names the
 * tier's base port: that port is read from `$PORT` (the replica's own, `port + n - 1`, exported before the check),
 * as land shifts such a probe per replica. Undefined when the probe does not name the base port (checked as is).
 */
export function replicaProbeCheck(spec: ProbeSpec, base: number): string[] | undefined {
  if ('tcp' in spec && spec.tcp === base) return ['bash', '-c', `exec 3<>/dev/tcp/${spec.host ?? '127.0.0.1'}/$PORT`];
  if (!('http' in spec) || new URL(spec.http).port !== String(base)) return undefined;
  // The URL stays one argument (a token in it is moved to the secrets like any other); sh swaps its port.
  const url = 'u="${1%%"$2"*}:$PORT${1#*"$2"}"';
  return ['sh', '-c', `${url}; curl -fsS -o /dev/null --max-time 2 "$u" || wget -q -T 2 -O /dev/null "$u"`, 'http-probe', spec.http, `:${base}`];
}

/** `until <check>; do sleep <s>; done`: the probe retried until it passes (the engine bounds the total time). */
export function untilPasses(check: readonly Word[], sleepSeconds = 0.5): string {
  return `until ${shellWords(check)} >/dev/null 2>&1; do sleep ${sleepSeconds}; done`;
}

/**
 * How long one attempt of a check may take, in seconds, for an engine's probe timeout: an http check is curl's
 * `--max-time 2`, then (curl absent or failed) wget's `-T 2`, plus a second for the shell and the tools to start.
 * A shorter timeout (Kubernetes' default 1 s) would fail a slow answer curl was still waiting for.
 */
export function checkSeconds(spec: ProbeSpec): number {
  return 'http' in spec ? 5 : 1;
}

export function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

export { describeProbe } from '../supervisor/probes.js';
