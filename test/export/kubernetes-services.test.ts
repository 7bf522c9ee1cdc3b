/**
 * `land export kubernetes` of tiers with a `port`: each container declares it, and a ClusterIP Service named as the
 * tier selects its pod, so another tier reaches it at `http://<tier>:<port>` as on Compose's network. An http probe
 * gives its check (curl's --max-time, then wget's -T) the time it may take.
 */
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
});
