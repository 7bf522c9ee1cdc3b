/**
 * What tells a replica's telemetry from its siblings' once an engine runs it. land gives replica n
 * `service.instance.id=<tier>.<n>` in OTEL_RESOURCE_ATTRIBUTES (config/hydrate.ts), unless the tier's environment
 * sets an id of its own (kept for every replica, as land keeps it). Each engine adds the replica's part as it can:
 * systemd's `%i` and supervisord's `%(process_num)d` number them as land does; Compose and a Deployment give
 * identical copies no number, so a replica is named by what the engine names it: its container's hostname (the
 * container id, Docker's `$HOSTNAME`) or its pod's name (the downward API).
 */
import type { ExportTier } from './model.js';

/** Whether the engine adds each replica's id: a tier with replicas that sets none of its own. */
export function addsReplicaId(tier: ExportTier): boolean {
  return tier.replicaId === true && tier.env.OTEL_RESOURCE_ATTRIBUTES !== undefined;
}

/** OTEL_RESOURCE_ATTRIBUTES of a replica: the tier's, with `service.instance.id` = `id` (an engine's expression). */
export function replicaAttributes(tier: ExportTier, id: string): string {
  return `${tier.env.OTEL_RESOURCE_ATTRIBUTES},service.instance.id=${id}`;
}

/** What each replica's `service.instance.id` is, in words, for a warning about an engine that cannot number them. */
export function replicaIdWords(tier: ExportTier, what: string): string {
  return addsReplicaId(tier) ? `; its service.instance.id is ${what}, not ${tier.name}.<n>` : '';
}

/**
 * An argv run through sh that first adds `service.instance.id=<id>` to OTEL_RESOURCE_ATTRIBUTES (`id` is sh text:
 * `web.$HOSTNAME`), then execs the argv as it was; the argv itself when the engine adds no id.
 */
export function withShellReplicaId(tier: ExportTier, id: string, argv: readonly string[]): string[] {
  if (!addsReplicaId(tier)) return [...argv];
  const script = `OTEL_RESOURCE_ATTRIBUTES="$OTEL_RESOURCE_ATTRIBUTES,service.instance.id=${id}"; export OTEL_RESOURCE_ATTRIBUTES; exec "$0" "$@"`;
  return ['/bin/sh', '-c', script, ...argv];
}
