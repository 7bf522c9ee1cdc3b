/**
 * Which tiers `land export` writes as one-shots: only one a dependent waits for to be `completed`. A long-running
 * tier with no probe (a Procfile's `worker:`) is a service on every engine, as land runs it; `restart: never` alone
 * does not make a one-shot. Exported by the real CLI, checked by the engines' own tools, read back.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHILD, child, landDone, makeProject, removeProjects } from '../helpers/land.js';
import { composeConfig, readKubernetes, readUnit, verifyUnits, type KubeObject } from './helpers.js';

const ENGINES = ['systemd', 'compose', 'kubernetes'] as const;
const LOOP = ['sh', '-c', 'while true; do echo tick; sleep 1; done'];

const CONFIG = {
  app: 'shop',
  tiers: {
    migrate: { command: child('--exit', 0), ready: { exec: ['true'] }, liveness: { exec: ['true'] } },
    web: { command: child('--http', 58181), ready: { tcp: 58181 }, dependsOn: { migrate: 'completed' } },
    // The tester's tier: no probe, the default policy (on-failure), waits for web to be ready.
    worker: { command: LOOP, dependsOn: { web: 'ready' } },
    audit: { command: LOOP, dependsOn: { migrate: 'ready' } },
    once: { command: child('--exit', 0), restart: { policy: 'never' } },
  },
};

const root = mkdtempSync(join(tmpdir(), 'land-export-services-'));
const out = (engine: string, from = 'stack') => join(root, from, engine);
const printed: Record<string, string> = {};

beforeAll(async () => {
  const project = makeProject({ config: CONFIG });
  await Promise.all(
    ENGINES.map(async (engine) => {
      const result = await landDone(['export', engine, '--out', out(engine)], project);
      expect(result.code, result.stderr).toBe(0);
      printed[engine] = result.stdout;
    }),
  );
}, 120_000);

afterAll(() => {
  removeProjects();
  rmSync(root, { recursive: true, force: true });
});

function workloads(dir: string, app: string): KubeObject[] {
  return readKubernetes(join(dir, `${app}.yaml`)).filter((o) => o.kind === 'Deployment' || o.kind === 'Job');
}

describe('land export: services and one-shots', () => {
  it('systemd: the worker is a Type=exec service; only the tier awaited to complete is Type=oneshot, without its probes', async () => {
    const dir = out('systemd');
    const verified = await verifyUnits(dir);
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);
    const unit = (tier: string) => readUnit(join(dir, `shop-${tier}.service`));
    const worker = unit('worker');
    expect(worker.Service).toMatchObject({ Type: ['exec'], Restart: ['on-failure'], ExecStart: ['/usr/bin/sh -c "while true; do echo tick; sleep 1; done"'] });
    expect(worker.Service!.RemainAfterExit).toBeUndefined();
    expect(worker.Unit).toMatchObject({ Requires: ['shop-web.service'], After: ['shop-web.service'] });
    expect(unit('once').Service).toMatchObject({ Type: ['exec'], Restart: ['no'] });
    expect(unit('web').Service).toMatchObject({ Type: ['exec'] });
    const migrate = unit('migrate').Service!;
    expect(migrate).toMatchObject({ Type: ['oneshot'], RemainAfterExit: ['yes'], Restart: ['on-failure'] });
    // A oneshot's ExecStartPost= would run after it exited; a liveness timer would restart it once completed.
    expect([migrate.ExecStartPost, migrate.TimeoutStartSec, unit('migrate').Unit!.Wants]).toEqual([undefined, undefined, undefined]);
    expect(printed.systemd).toMatch(/warning: tier migrate: readiness probe \(exec true\) not mapped on a Type=oneshot unit/);
    expect(printed.systemd).toMatch(/warning: tier migrate: liveness probe \(exec true\) not mapped on a Type=oneshot unit/);
    expect(printed.systemd).toMatch(/warning: tier audit: waits for migrate to be ready, but migrate is a Type=oneshot unit .*: After= waits for it to complete/);
    expect(printed.systemd).not.toMatch(/tier (worker|web|once)\b[^\n]*oneshot/);
  });

  it('compose: every tier keeps its restart policy; web waits for migrate to complete', async () => {
    const { code, stderr, config } = await composeConfig(out('compose'));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(config.services.worker).toMatchObject({ restart: 'on-failure:5', command: LOOP, depends_on: { web: { condition: 'service_healthy' } } });
    expect(config.services.once!.restart).toBe('no');
    expect(config.services.web!.depends_on).toEqual({ migrate: { condition: 'service_completed_successfully' } });
  });

  it('kubernetes: the worker is a Deployment (with the restart warning); the tier awaited to complete is a Job', () => {
    const objects = workloads(out('kubernetes'), 'shop');
    expect(objects.map((o) => `${o.kind} ${o.metadata.name}`).sort()).toEqual(['Deployment shop-audit', 'Deployment shop-once', 'Deployment shop-web', 'Deployment shop-worker', 'Job shop-migrate']);
    const worker = objects.find((o) => o.metadata.name === 'shop-worker')!;
    expect(worker.spec.template.spec.containers[0].command).toEqual(LOOP);
    expect(printed.kubernetes).toMatch(/warning: tiers? [^\n]*\bworker\b[^\n]*: restart policy on-failure: a Deployment restarts its container after any exit/);
    expect(printed.kubernetes).toMatch(/warning: tier once: restart policy never: a Deployment restarts its container after any exit/);
    const job = objects.find((o) => o.metadata.name === 'shop-migrate')!;
    expect(job.spec.backoffLimit).toBe(5);
    // Ready, for a Job: its pod Ready, or the Job already complete (a completed pod is no longer Ready).
    const audit = objects.find((o) => o.metadata.name === 'shop-audit')!.spec.template.spec.initContainers[0].command[2];
    expect(audit).toMatch(/^until kubectl wait --for=condition=Ready pod -l \S+component=migrate --timeout=10s \|\| kubectl wait --for=condition=complete job\/shop-migrate --timeout=1s; do/);
  });
});

describe('land init --from Procfile, then land export', () => {
  it('a web/worker Procfile becomes two services on every engine', async () => {
    // The folder names the app.
    const dir = join(root, 'billing');
    mkdirSync(dir);
    writeFileSync(join(dir, 'Procfile'), `web: node ${CHILD} --http $PORT\nworker: sh -c 'while true; do echo tick; sleep 1; done'\n`);
    const init = await landDone(['init', '--from', 'Procfile'], dir);
    expect(init.code, init.stderr).toBe(0);
    const results = await Promise.all(ENGINES.map((engine) => landDone(['export', engine, '--out', out(engine, 'procfile')], dir)));
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    const app = 'billing';
    expect(await verifyUnits(out('systemd', 'procfile'))).toMatchObject({ code: 0, stderr: '' });
    for (const tier of ['web', 'worker']) expect(readUnit(join(out('systemd', 'procfile'), `${app}-${tier}.service`)).Service!.Type).toEqual(['exec']);
    const { config } = await composeConfig(out('compose', 'procfile'));
    expect([config.services.web!.restart, config.services.worker!.restart]).toEqual(['on-failure:5', 'on-failure:5']);
    expect(workloads(out('kubernetes', 'procfile'), app).map((o) => `${o.kind} ${o.metadata.name}`).sort()).toEqual([`Deployment ${app}-web`, `Deployment ${app}-worker`]);
  });
});
