/**
 * `land export kubernetes` of tiers with a `port`: each container declares it, and a ClusterIP Service named as the
 * tier selects its pod, so another tier reaches it at `http://<tier>:<port>` as on Compose's network. An http probe
 * gives its check (curl's --max-time, then wget's -T) the time it may take.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { landDone, makeProject, removeProjects } from '../helpers/land.js';
import { readKubernetes } from './helpers.js';

afterAll(removeProjects);

describe('land export kubernetes: ports and Services', () => {
  it('a tier with a port gets containerPort and a Service named as the tier; one without gets neither', async () => {
    const dir = makeProject({
      config: {
        app: 'shop',
        tiers: {
          api: { command: ['node', 'api.js'], port: 8080, ready: { http: 'http://127.0.0.1:8080/health' }, liveness: { http: 'http://127.0.0.1:8080/health', timeoutMs: 1000 } },
          web: { command: ['node', 'web.js'], port: 3000, dependsOn: { api: 'ready' } },
          worker: { command: ['node', 'worker.js'] },
        },
      },
    });
    const out = join(dir, 'kube');
    const result = await landDone(['export', 'kubernetes', '--image', 'shop:1', '--out', out], dir);
    expect(result.code, result.stderr).toBe(0);
    const objects = readKubernetes(join(out, 'shop.yaml'));
    const deployment = (name: string) => objects.find((object) => object.kind === 'Deployment' && object.metadata.name === `shop-${name}`)!;
    const services = objects.filter((object) => object.kind === 'Service');

    expect(services.map((service) => service.metadata.name).sort()).toEqual(['api', 'web']);
    for (const [name, port] of [['api', 8080], ['web', 3000]] as const) {
      const container = deployment(name).spec.template.spec.containers[0];
      expect(container.ports).toEqual([{ containerPort: port, protocol: 'TCP' }]);
      const service = services.find((candidate) => candidate.metadata.name === name)!;
      expect(service.spec.type).toBe('ClusterIP');
      expect(service.spec.ports).toEqual([{ port, targetPort: port, protocol: 'TCP' }]);
      // The Service selects exactly the tier's pods.
      expect(service.spec.selector).toEqual(deployment(name).spec.template.metadata.labels);
      expect(service.spec.selector).not.toEqual(deployment(name === 'api' ? 'web' : 'api').spec.template.metadata.labels);
    }
    expect(deployment('worker').spec.template.spec.containers[0].ports).toBeUndefined();

    // The probes run curl --max-time N (or wget -T N) inside the container: the kubelet waits longer than that.
    const api = deployment('api').spec.template.spec.containers[0];
    for (const probe of [api.startupProbe, api.readinessProbe, api.livenessProbe]) {
      const script = probe.exec.command.join(' ') as string;
      const curlSeconds = Number(/--max-time (\d+)/.exec(script)![1]);
      const wgetSeconds = Number(/-T (\d+)/.exec(script)![1]);
      expect(probe.timeoutSeconds).toBeGreaterThan(curlSeconds + wgetSeconds);
    }
  });

  it('a tier whose name starts with a digit gets a Service named tier-<name>, said; two tiers that would share one are refused', async () => {
    // Kubernetes' own DNS-1035 label rule (a Service's name), and DNS-1123 subdomain (a Deployment's).
    const DNS_1035 = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
    const DNS_1123 = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
    const dir = makeProject({
      config: { app: 'shop', tiers: { '1web': { command: ['node', 'web.js'], port: 3000 }, api: { command: ['node', 'api.js'], port: 8080, dependsOn: { '1web': 'started' } } } },
    });
    const out = join(dir, 'kube');
    const result = await landDone(['export', 'kubernetes', '--image', 'shop:1', '--out', out], dir);
    expect(result.code, result.stderr).toBe(0);
    const objects = readKubernetes(join(out, 'shop.yaml'));
    const services = objects.filter((object) => object.kind === 'Service');
    expect(services.map((service) => service.metadata.name).sort()).toEqual(['api', 'tier-1web']);
    for (const service of services) expect(service.metadata.name).toMatch(DNS_1035);
    for (const object of objects) expect(object.metadata.name).toMatch(DNS_1123);
    const deployment = objects.find((object) => object.kind === 'Deployment' && object.metadata.name === 'shop-1web')!;
    expect(services.find((service) => service.metadata.name === 'tier-1web')!.spec.selector).toEqual(deployment.spec.template.metadata.labels);
    const warning = 'Service named "tier-1web", not "1web" (a Kubernetes Service name starts with a letter): other tiers reach it at http://tier-1web:3000';
    expect(result.stdout).toContain(`warning: tier 1web: ${warning}`);
    expect(readFileSync(join(out, 'shop.yaml'), 'utf8')).toContain(`# warning: ${warning}`);

    const clash = makeProject({
      config: { app: 'shop', tiers: { '1web': { command: ['node', 'web.js'], port: 3000 }, 'tier-1web': { command: ['node', 'other.js'], port: 3001 } } },
    });
    const refused = await landDone(['export', 'kubernetes', '--image', 'shop:1', '--out', join(clash, 'kube')], clash);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^land: land\.config\.\w+: tiers 1web and tier-1web would both be the Kubernetes Service "tier-1web" \(.*\): rename one of them\n$/);
    expect(existsSync(join(clash, 'kube'))).toBe(false);
  });
});
