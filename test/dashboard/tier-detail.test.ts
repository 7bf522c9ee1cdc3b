/** The dashboard's tier detail says a tier's memory limit next to its liveness, restart and stop policies. */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolvePlan } from '../../src/config/plan.js';
import { hydrateChildEnv } from '../../src/config/hydrate.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { tierDetail } from '../../src/dashboard/tier-detail.js';
import { makeTempProject } from '../config/temp-project.js';

const project = makeTempProject('land-tier-detail-');
afterAll(() => project.remove());

function detailOf(extra: Record<string, unknown>) {
  const config = resolveConfig({ app: 'land', tiers: { api: { command: ['node', 'api.js'], ...extra } } }, path.join(project.dir, 'land.config.ts'), 'land.config.ts');
  const plan = resolvePlan(config, { shellEnv: {} });
  return tierDetail(plan, 'api', (tier) => hydrateChildEnv(plan, tier, { bootId: 'b', traceId: 't'.repeat(32), traceparent: `00-${'t'.repeat(32)}-<span>-01` }))!;
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

  it('masks a password inside any env value and values under secret-looking names, counting each', () => {
    const detail = detailOf({
      env: {
        DATABASE_URL: 'postgres://app:pw_Ds3cret@db/app',
        REDIS_URL: 'redis://:pw_Rs3cret@h',
        DB_PASS: 'pw_Qs3cret',
        MYSQL_PWD: 'pw_Ms3cret',
        JWT_KEY: 'k_Js3cret',
        ENCRYPTION_KEY: 'k_Es3cret',
        PLAIN: 'hello',
      },
    });
    const env = Object.fromEntries(detail.env);
    expect(env.DATABASE_URL).toBe('postgres://app:***@db/app');
    expect(env.REDIS_URL).toBe('redis://:***@h');
    expect(env.PLAIN).toBe('hello');
    expect(JSON.stringify(detail)).not.toMatch(/s3cret/);
    expect(detail.masked).toBeGreaterThanOrEqual(6);
  });

  it('masks the value after a secret option inside a shell string, in the command, the stop command and exec probes', () => {
    const detail = detailOf({
      command: ['/bin/sh', '-c', 'app --token tok_Cs3cret --port 80'],
      stop: { command: ['/bin/sh', '-c', 'app stop -password pw_Ss3cret'] },
      liveness: { exec: ['/bin/sh', '-c', 'check --api-key ak_Ls3cret'] },
    });
    // An argv that names a shell itself is shown whole.
    expect(detail.command).toEqual(['/bin/sh', '-c', 'app --token *** --port 80']);
    expect(detail.stop).toMatch(/app stop -password \*\*\*,/);
    expect(detail.liveness).toMatch(/check --api-key \*\*\* exiting 0/);
    expect(JSON.stringify(detail)).not.toMatch(/s3cret/);
  });

  it("shows a shell tier's command and stop command as the line written, not the /bin/sh -c land runs it with", () => {
    const detail = detailOf({ command: 'migrate && serve --token tok_Ws3cret', shell: true, stop: { command: 'pkill -f serve' } });
    expect(detail).toMatchObject({ command: ['migrate && serve --token ***'], shell: true });
    expect(detail.stop).toMatch(/^stop command pkill -f serve, then SIGKILL/);
  });
});
