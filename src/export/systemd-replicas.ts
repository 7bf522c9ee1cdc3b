/**
 * A tier with `replicas: N` in `land export systemd`: a template unit, `<app>-<tier>@.service`, whose instances
 * `@1` … `@N` the stack's target wants and a dependent requires (land's dependent waits for every replica). `%i` is
 * the replica's number, given as LAND_REPLICA and in `service.instance.id=<tier>.<n>` as land does; a tier's `port`
 * is shifted per replica by sh (`PORT=port + n - 1`, foreman's convention, README "Replicas"), since Environment= has
 * no arithmetic. Its probes' checks read that port (model.ts `replicaChecks`), and its liveness timer is a template
 * too.
 */
import type { Word } from './secret-words.js';
import type { ExportTier } from './model.js';
import { addsReplicaId, replicaAttributes } from './replica-identity.js';
import { environmentLine } from './systemd-syntax.js';

/** The unit's file: `<stem>@.service` for a tier with replicas, else `<stem>.service`. */
export function unitFileName(stem: string, tier: ExportTier): string {
  return tier.replicas === undefined ? `${stem}.service` : `${stem}@.service`;
}

/** The units a tier runs as: its instances `<stem>@1.service` … `<stem>@N.service`, or its one unit. */
export function instanceUnits(stem: string, tier: ExportTier): string[] {
  if (tier.replicas === undefined) return [`${stem}.service`];
  return Array.from({ length: tier.replicas }, (_, index) => `${stem}@${index + 1}.service`);
}

/** `Environment=LAND_REPLICA=%i` (the specifier unescaped: systemd puts the instance's number there). */
export function replicaEnvironment(tier: ExportTier): string[] {
  return tier.replicas === undefined ? [] : ['Environment=LAND_REPLICA=%i'];
}

/** Whether the value of `key` differs per replica (then written by replicaIdentity or the command's sh, not as it is). */
export function perReplica(tier: ExportTier, key: string): boolean {
  return (key === 'PORT' && shiftsPort(tier)) || (key === 'OTEL_RESOURCE_ATTRIBUTES' && addsReplicaId(tier));
}

/** The replica's `service.instance.id=<tier>.%i`, as land names it (replica-identity.ts), its `%i` unescaped. */
export function replicaIdentity(tier: ExportTier): string[] {
  if (!addsReplicaId(tier)) return [];
  const line = environmentLine('OTEL_RESOURCE_ATTRIBUTES', replicaAttributes(tier, `${tier.name}.`));
  return [`${line.slice(0, -1)}%i"`];
}

/** Whether the tier's PORT differs per replica (then not an Environment= line, but exported by sh). */
export function shiftsPort(tier: ExportTier): boolean {
  return tier.replicas !== undefined && tier.port !== undefined;
}

/** The shell text that sets the replica's PORT, or '' when the tier has one PORT. */
export function portShift(tier: ExportTier): string {
  return shiftsPort(tier) ? `PORT=$((${tier.port! - 1} + LAND_REPLICA)); export PORT; ` : '';
}

/** An argv run with the replica's PORT: through sh, which sets it and then execs the argv as it was. */
export function withReplicaPort(tier: ExportTier, argv: readonly Word[]): Word[] {
  return shiftsPort(tier) ? ['/bin/sh', '-c', `${portShift(tier)}exec "$0" "$@"`, ...argv] : [...argv];
}

/** The readiness and liveness checks one replica runs: the port-reading ones where the probe names the port. */
export function replicaCheck(tier: ExportTier, probe: 'ready' | 'liveness'): Word[] | undefined {
  const own = tier.replicaChecks?.[probe];
  return own ?? (probe === 'ready' ? tier.readyCheck : tier.livenessCheck);
}
