/**
 * Replicas: a tier with `replicas: N` runs N instances, `<tier>.1` … `<tier>.N`. Each is a TierProcess of its own
 * (its own state, pid, TRACEPARENT span, log file and restarts) built from its own copy of the tier's config: the
 * name, `group` (the tier), `replica` (its number), and the port shifted by the number (foreman's `PORT`).
 */
import type { ProbeSpec, ResolvedTier } from '../config/types.js';

/** Tier names cannot contain a dot (schema.ts), so `api.2` never collides with a declared tier. */
export function replicaName(group: string, index: number): string {
  return `${group}.${index}`;
}

/**
 * An instance name taken apart: `web` (no index) or the replica `web.2`; undefined for what names no instance
 * (`web.2.9`, `web.02`, `web.0`). The index is not checked against any tier's count.
 */
export function parseInstanceName(name: string): { group: string; index?: number } | undefined {
  const [, group, number] = /^([^.]+)(?:\.([1-9]\d*))?$/.exec(name) ?? [];
  if (group === undefined) return undefined;
  return number === undefined ? { group } : { group, index: Number(number) };
}

/** The configured tier of an instance name: `web` for the replica `web.2` (a declared tier's name holds no dot). */
export function groupOfName(name: string): string {
  const dot = name.indexOf('.');
  return dot === -1 ? name : name.slice(0, dot);
}

/** The tier an instance belongs to: its group for a replica, its own name otherwise. */
export function groupOf(config: ResolvedTier): string {
  return config.group ?? config.name;
}

/** A tcp probe on the base port, or an http probe whose URL names it, checks the replica's own port. */
function shiftProbe<T extends ProbeSpec>(probe: T, base: number | undefined, port: number | undefined): T {
  if (base === undefined || port === undefined || base === port) return probe;
  if ('tcp' in probe && probe.tcp === base) return { ...probe, tcp: port };
  if ('http' in probe) {
    const url = new URL(probe.http);
    if (url.port === String(base)) {
      url.port = String(port);
      return { ...probe, http: url.toString() };
    }
  }
  return probe;
}

/** The config of replica `index` (1-based) of a tier. */
export function replicaConfig(config: ResolvedTier, index: number): ResolvedTier {
  const port = config.port === undefined ? undefined : config.port + index - 1;
  const replica: ResolvedTier = { ...config, name: replicaName(config.name, index), group: config.name, replica: index };
  if (port !== undefined) replica.port = port;
  if (config.ready) replica.ready = shiftProbe(config.ready, config.port, port);
  if (config.liveness) replica.liveness = shiftProbe(config.liveness, config.port, port);
  return replica;
}

/** The instances a configured tier starts with: itself when it declares no replicas, else its N replicas. */
export function instancesOf(config: ResolvedTier): ResolvedTier[] {
  if (config.replicas === undefined) return [config];
  return Array.from({ length: config.replicas }, (_, i) => replicaConfig(config, i + 1));
}
