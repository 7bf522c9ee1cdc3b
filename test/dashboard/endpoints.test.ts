/** A tier's endpoints as the Tiers page links them: only an http probe's origin, nothing secret, a replica's own port. */
import { describe, expect, it } from 'vitest';
import { registerSecretsOf } from '../../src/config/redact.js';
import type { ResolvedTier } from '../../src/config/types.js';
import { tierEndpoints } from '../../src/dashboard/endpoints.js';
import { replicaConfig } from '../../src/supervisor/replicas.js';

const tier = (extra: Partial<ResolvedTier>): ResolvedTier => ({ name: 'web', tier: 'web', ...extra }) as ResolvedTier;

describe('tier endpoints', () => {
  it("links an http probe's origin, without its userinfo; masks a token in what the probe asks", () => {
    const web = tier({
      port: 7000,
      ready: { http: 'http://admin:hunter2-pass@127.0.0.1:7000/health?access_token=abc123def456&x=1', timeoutMs: 1000 },
      liveness: { http: 'https://127.0.0.1:7443/live', timeoutMs: 1000, intervalMs: 1000, failureThreshold: 3 },
    });
    expect(tierEndpoints(web)).toEqual({
      port: 7000,
      endpoints: [
        { url: 'http://127.0.0.1:7000/', via: 'ready probe: GET /health?access_token=***&x=1' },
        { url: 'https://127.0.0.1:7443/', via: 'liveness probe: GET /live' },
      ],
    });
    expect(JSON.stringify(tierEndpoints(web))).not.toMatch(/hunter2|abc123def456|admin/);
  });

  it('masks a registered secret in what the probe asks as the config wrote it, not as URL encodes it', () => {
    // `"`, `{`, `}` and a space are percent-encoded in a URL's path or query: the secret would no longer be found.
    registerSecretsOf({ SHOP_API_KEY: 'k3y"w{th} odd' });
    const web = tier({ ready: { http: 'http://127.0.0.1:7000/hooks/k3y"w{th} odd?k=k3y"w{th} odd#top', timeoutMs: 1000 } });
    expect(tierEndpoints(web).endpoints).toEqual([{ url: 'http://127.0.0.1:7000/', via: 'ready probe: GET /hooks/***?k=***' }]);
    // No path written: the root, as URL says it.
    const bare = tier({ ready: { http: 'http://127.0.0.1:7000?probe=1', timeoutMs: 1000 }, liveness: { http: 'http://127.0.0.1:7001', timeoutMs: 1000, intervalMs: 1000, failureThreshold: 3 } });
    expect(tierEndpoints(bare).endpoints.map((endpoint) => endpoint.via)).toEqual(['ready probe: GET /?probe=1', 'liveness probe: GET /']);
  });

  it('gives a port land knows nothing more of no link; one origin probed twice is one endpoint', () => {
    expect(tierEndpoints(tier({ port: 5432, ready: { tcp: 5432, timeoutMs: 1000 } }))).toEqual({ port: 5432, endpoints: [] });
    expect(tierEndpoints(tier({ ready: { log: 'up', timeoutMs: 1000 } }))).toEqual({ endpoints: [] });
    const twice = tier({
      ready: { http: 'http://localhost:3000/ready', timeoutMs: 1000 },
      liveness: { http: 'http://localhost:3000/live', timeoutMs: 1000, intervalMs: 1000, failureThreshold: 3 },
    });
    expect(tierEndpoints(twice).endpoints).toEqual([{ url: 'http://localhost:3000/', via: 'ready probe: GET /ready' }]);
  });

  it("links each replica to its own port", () => {
    const web = tier({ port: 7000, replicas: 3, ready: { http: 'http://127.0.0.1:7000/health', timeoutMs: 1000 } });
    expect(tierEndpoints(replicaConfig(web, 3))).toEqual({ port: 7002, endpoints: [{ url: 'http://127.0.0.1:7002/', via: 'ready probe: GET /health' }] });
  });
});
