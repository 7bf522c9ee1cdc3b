/**
 * Which tier an item belongs to: the resource attributes land hands every child (`land.tier` through
 * OTEL_RESOURCE_ATTRIBUTES; `service.name` = `<app>-<tier>` through OTEL_SERVICE_NAME), else the process that sent
 * it (peer.ts), else `unattributed`.
 */
import type { Attributes, Origin } from './model/types.js';

export const UNATTRIBUTED = 'unattributed';

export interface StackIdentity {
  app: string;
  /** The telemetry tier names of the stack's tiers. */
  tiers: readonly string[];
}

export function originOf(resource: Attributes, identity: StackIdentity, sender: () => string | undefined): Origin {
  const service = typeof resource['service.name'] === 'string' ? resource['service.name'] : undefined;
  const declared = resource['land.tier'];
  let tier = typeof declared === 'string' && declared !== '' ? declared : undefined;
  if (!tier && service?.startsWith(`${identity.app}-`)) {
    const named = service.slice(identity.app.length + 1);
    if (identity.tiers.includes(named)) tier = named;
  }
  tier ??= sender() ?? UNATTRIBUTED;
  // The SDKs' default service name says nothing: name the tier's service as land names it.
  const named = service && !service.startsWith('unknown_service') ? service : `${identity.app}-${tier}`;
  return { tier, service: named };
}
