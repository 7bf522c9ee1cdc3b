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
});
