/** The dashboard's tier detail says a tier's memory limit next to its liveness, restart and stop policies. */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolvePlan } from '../../src/config/plan.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { tierDetail } from '../../src/dashboard/tier-detail.js';
import { makeTempProject } from '../config/temp-project.js';

const project = makeTempProject('land-tier-detail-');
afterAll(() => project.remove());

function detailOf(extra: Record<string, unknown>) {
  const config = resolveConfig({ app: 'land', tiers: { api: { command: ['node', 'api.js'], ...extra } } }, path.join(project.dir, 'land.config.ts'), 'land.config.ts');
  return tierDetail(resolvePlan(config, { shellEnv: {} }), 'api', { bootId: 'b', traceId: 't'.repeat(32) })!;
}

describe('tier detail', () => {
  it('lists the memory limit of a tier that declares one, and none for one that does not', () => {
    expect(detailOf({ limits: { memory: '512M' } }).limits).toBe('memory 512 MiB for the whole tree, restarted when over it 2 s in a row');
    expect(detailOf({}).limits).toBeUndefined();
  });

  it('masks what command arguments and probe URLs may carry, as land status masks a probe', () => {
    const detail = detailOf({
      command: ['node', 'api.js', '--token=tok_Xs3cret', '--password', 'pw_Next9', 'https://bob:pw_Ys3cret@db/x?api_key=ak_Zs3cret&plain=1'],
      ready: { http: 'http://alice:pw_Ps3cret@127.0.0.1:19002/health?token=tok_Ps3cret', timeoutMs: 1000 },
      liveness: { exec: ['curl', '-H', 'Authorization: Bearer tok_Ls3cret', 'http://u:pw_Es3cret@127.0.0.1/live'] },
    });
    expect(detail.command).toEqual(['node', 'api.js', '--token=***', '--password', '***', 'https://bob:***@db/x?api_key=***&plain=1']);
    expect(detail.ready).toBe('HTTP GET http://alice:***@127.0.0.1:19002/health?token=*** answering 2xx, within 1000 ms');
    expect(detail.liveness).toMatch(/^command curl -H Authorization: Bearer \*\*\* http:\/\/u:\*\*\*@127\.0\.0\.1\/live exiting 0/);
    expect(JSON.stringify(detail)).not.toMatch(/s3cret|pw_Next9/);
  });
});

