/**
 * What `replicas: N` becomes where each replica is a container (Compose's `deploy.replicas`, a Deployment's
 * `replicas`): N copies of one definition, so none knows its number, and each has a network of its own, so every
 * replica listens on the tier's one port (land gives replica n `port + n - 1` because its replicas share the host), and
 * its `service.instance.id` names it by what the engine calls it (replica-identity.ts).
 */
import type { ExportTier } from './model.js';
import { replicaIdWords } from './replica-identity.js';

/**
 * The warning for a tier with replicas, or undefined. `setting`: what it was mapped to; `engine`: who runs them; `id`:
 * what names each replica in its `service.instance.id` instead of its number (replica-identity.ts).
 */
export function containerReplicasWarning(tier: ExportTier, setting: string, engine: string, id: string): string | undefined {
  if (tier.replicas === undefined) return undefined;
  const port = tier.port === undefined ? '' : `, and each gets PORT=${tier.port} (its own network: not ${tier.port} + n - 1 as land gives replica n on one host)`;
  return `replicas ${tier.replicas} mapped to ${setting}: no replica gets LAND_REPLICA (${engine} gives identical copies no number)${port}${replicaIdWords(tier, id)}`;
}
