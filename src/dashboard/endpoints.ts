/**
 * Where each tier answers HTTP, for the Tiers page's links (Aspire's endpoints). Only what the config says: the
 * origin of an http probe (ready or liveness), which land itself asks over HTTP. A bare `port` is not enough: it is
 * the child's PORT, which may be a database or any TCP service, so it is shown as a port, never as a link. A replica's
 * probes name its own port (replicaConfig shifts them), so each replica links to its own.
 */
import { redactText } from '../config/redact.js';
import type { BootPlan, ProbeSpec, ResolvedTier } from '../config/types.js';
import { replicaConfig } from '../supervisor/replicas.js';
import type { TierSnapshot } from '../supervisor/types.js';
import type { Endpoint } from './wire.js';

/** The probe's origin, and what it asks there masked as messages are (a token in its query string). */
function probeEndpoint(kind: string, probe: ProbeSpec | undefined): Endpoint | undefined {
  if (!probe || !('http' in probe)) return undefined;
  let url: URL;
  try {
    url = new URL(probe.http);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  // The origin holds no userinfo, path or query: nothing secret goes into the link.
  return { url: `${url.origin}/`, via: `${kind} probe: GET ${redactText(pathAsWritten(probe.http))}` };
}

/**
 * The probe's path and query as the config wrote them: URL's own percent-encodes some characters (`"`, `{`, a space),
 * and a registered secret so encoded would no longer be found and masked by redactText.
 */
function pathAsWritten(http: string): string {
  const rest = http.replace(/^[a-z][a-z\d+.-]*:\/\/[^/\\?#]*/i, '').replace(/#.*$/s, '');
  return rest.startsWith('/') ? rest : `/${rest}`;
}

export function tierEndpoints(tier: ResolvedTier): { endpoints: Endpoint[]; port?: number } {
  const endpoints: Endpoint[] = [];
  for (const endpoint of [probeEndpoint('ready', tier.ready), probeEndpoint('liveness', tier.liveness)]) {
    if (endpoint && !endpoints.some((known) => known.url === endpoint.url)) endpoints.push(endpoint);
  }
  return { endpoints, ...(tier.port !== undefined ? { port: tier.port } : {}) };
}

/** Each instance the snapshot names (a replica by its own copy of its tier's config), by name. */
export function stackEndpoints(plan: BootPlan, tiers: readonly TierSnapshot[]): Record<string, { endpoints: Endpoint[]; port?: number }> {
  const out: Record<string, { endpoints: Endpoint[]; port?: number }> = {};
  for (const instance of tiers) {
    const declared = plan.config.tiers.find((tier) => tier.name === (instance.group ?? instance.name));
    if (!declared) continue;
    out[instance.name] = tierEndpoints(instance.replica !== undefined ? replicaConfig(declared, instance.replica) : declared);
  }
  return out;
}
