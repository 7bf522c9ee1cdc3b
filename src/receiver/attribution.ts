/**
 * Which tier an item belongs to: the resource attributes land hands every child (`land.tier` through
 * OTEL_RESOURCE_ATTRIBUTES; `service.name` = `<app>-<tier>` through OTEL_SERVICE_NAME), else the process that sent
 * it (peer.ts), else `unattributed`. Only the stack's own tiers count: a name that is none of them says nothing (what a
 * sender writes there is arbitrary, and every name would otherwise become a bucket of its own: a row in the status,
 * a label value in /metrics, a share of the store's per-tier limit of its own).
 */
import { MAX_REPLICAS } from '../config/limits.js';
import { parseInstanceName } from '../supervisor/replicas.js';
import { escapeControls } from '../text/controls.js';
import type { Attributes, Origin } from './model/types.js';

export const UNATTRIBUTED = 'unattributed';

export interface StackIdentity {
  app: string;
  /** The telemetry tier names of the stack's tiers. */
  tiers: readonly string[];
  /** Each config key's telemetry tier name (they differ when a tier sets `tier`): a replica is named by its key. */
  names?: Readonly<Record<string, string>>;
}

/** The telemetry tier a name stands for: a tier's, a tier's key, or a replica's (`web.2`); else undefined. */
type TierResolver = (name: string) => string | undefined;

const resolvers = new WeakMap<StackIdentity, TierResolver>();

function resolverOf(identity: StackIdentity): TierResolver {
  let resolve = resolvers.get(identity);
  if (resolve) return resolve;
  const known = new Map<string, string>(identity.tiers.map((tier) => [tier, tier]));
  for (const [name, tier] of Object.entries(identity.names ?? {})) if (known.has(tier)) known.set(name, tier);
  resolve = (name) => {
    const tier = known.get(name);
    if (tier !== undefined) return tier;
    // Replicas report their tier's name (LAND_TIER), but a sender may name the instance.
    const replica = parseInstanceName(name);
    return replica?.index !== undefined && replica.index <= MAX_REPLICAS ? known.get(replica.group) : undefined;
  };
  resolvers.set(identity, resolve);
  return resolve;
}

export function originOf(resource: Attributes, identity: StackIdentity, sender: () => string | undefined): Origin {
  const resolve = resolverOf(identity);
  const service = typeof resource['service.name'] === 'string' ? resource['service.name'] : undefined;
  const declared = resource['land.tier'];
  // A name the stack does not know says nothing: the service name or the sending process may still.
  let tier = typeof declared === 'string' ? resolve(declared) : undefined;
  if (!tier && service?.startsWith(`${identity.app}-`)) tier = resolve(service.slice(identity.app.length + 1));
  if (!tier) {
    const sent = sender();
    tier = (sent === undefined ? undefined : resolve(sent)) ?? UNATTRIBUTED;
  }
  // The SDKs' default service name says nothing: name the tier's service as land names it.
  const named = service && !service.startsWith('unknown_service') ? escapeControls(service) : `${identity.app}-${tier}`;
  return { tier, service: named };
}
