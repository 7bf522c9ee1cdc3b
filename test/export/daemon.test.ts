/**
 * `land export` of a tier that daemonizes and of stop commands: systemd maps both (Type=forking, ExecStop=),
 * Kubernetes the stop command (a preStop hook), Compose neither; each engine's own tool (systemd-analyze verify,
 * docker-compose config) or the official Kubernetes schemas accept the files, and what is not mapped is a warning on
 * the terminal and in the file.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHILD, makeProject, removeProjects } from '../helpers/land.js';
import { composeConfig, readKubernetes, readUnit, exportEach, verifyUnits, type Exported } from './helpers.js';

const SECRET = 's3cr3t-stop-token-9876';
const outRoot = mkdtempSync(join(tmpdir(), 'land-export-daemon-'));
let outputs: Record<string, Exported>;
const out = (engine: string) => join(outRoot, engine);

beforeAll(async () => {
  const dir = makeProject({
    config: {
      app: 'kv',
      tiers: {
        cache: {
          command: 'redis-server --daemonize yes --port 6390',
          shell: true,
          daemon: { pidFile: '/run/cache.pid' },
          ready: { tcp: 6390 },
          stop: { command: 'kill "$(cat /run/cache.pid)"', timeoutMs: 4000 },
        },
        web: {
          command: ['node', CHILD, '--http', '58081'],
          dependsOn: { cache: 'ready' },
          stop: { command: ['curl', '-fsS', '-X', 'POST', `http://127.0.0.1:58081/drain?token=${SECRET}`], signal: 'SIGINT' },
        },
      },
    },
  });
  outputs = await exportEach(dir, outRoot);
}, 120_000);

afterAll(() => {
  removeProjects();
  rmSync(outRoot, { recursive: true, force: true });
});

describe('land export: daemon and stop.command', () => {
  it('systemd: Type=forking for the daemon, ExecStop= for the stop command; systemd-analyze verify accepts them', async () => {
    expect(outputs.systemd!.code, outputs.systemd!.stderr).toBe(0);
    const verified = await verifyUnits(out('systemd'));
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);
    const cache = readUnit(join(out('systemd'), 'kv-cache.service')).Service!;
    expect(cache).toMatchObject({ Type: ['forking'], PIDFile: ['/run/cache.pid'], KillMode: ['control-group'], TimeoutStopSec: ['4000ms'] });
    expect(cache.ExecStop).toEqual(['/bin/sh -c "kill \\"$$(cat /run/cache.pid)\\""']);
    expect(cache.ExecStartPost![0]).toContain('/dev/tcp/127.0.0.1/6390');
    const web = readUnit(join(out('systemd'), 'kv-web.service')).Service!;
    expect(web.Type).toEqual(['exec']);
    // The URL holds a ?token=: the token alone is read from the 0600 secrets file (systemd expands ${KEY} in a word).
    expect(web.ExecStop![0]).toMatch(/^\/\S+\/curl -fsS -X POST "http:\/\/127\.0\.0\.1:58081\/drain\?token=\$\{LAND_STOP_SECRET_1\}"$/);
    expect(readFileSync(join(out('systemd'), 'kv-web.secrets.env'), 'utf8')).toContain(`LAND_STOP_SECRET_1="${SECRET}"`);
    const text = readFileSync(join(out('systemd'), 'kv-cache.service'), 'utf8');
    expect(text).toContain('# daemon: the start is done once the launcher has exited 0');
    expect(text).toMatch(/# warning: stop command mapped to ExecStop=: once it has run, systemd sends KillSignal= \(SIGTERM\)/);
    expect(outputs.systemd!.stdout).toContain('warning: tier cache: stop command mapped to ExecStop=: once it has run, systemd sends KillSignal= (SIGTERM)');
    expect(outputs.systemd!.stdout).toContain('warning: tier web: stop command mapped to ExecStop=: once it has run, systemd sends KillSignal= (SIGINT)');
    expect(outputs.systemd!.stdout).not.toContain(SECRET);
    expect(outputs.systemd!.stdout).not.toMatch(/daemon not mapped/);
  });

  it('compose: docker-compose config accepts the file; daemon and the stop command are warnings, the command masked', async () => {
    expect(outputs.compose!.code, outputs.compose!.stderr).toBe(0);
    const { code, stderr, config } = await composeConfig(out('compose'));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(config.services.cache).toMatchObject({ stop_signal: 'SIGTERM', stop_grace_period: '4000ms' });
    const file = readFileSync(join(out('compose'), 'compose.yaml'), 'utf8');
    expect(file).toMatch(/# warning: daemon not mapped: a container runs as long as its main process/);
    expect(file).toMatch(/# warning: stop command \(\/bin\/sh -c kill "\$\(cat \/run\/cache.pid\)"\) not mapped: Compose stops a service with stop_signal \(SIGTERM\)/);
    const { stdout } = outputs.compose!;
    expect(stdout).toMatch(/warning: tier cache: daemon not mapped/);
    expect(stdout).toMatch(/warning: tier web: stop command \(curl -fsS -X POST http:\/\/127\.0\.0\.1:58081\/drain\?token=\*\*\*\) not mapped/);
    expect(stdout + outputs.compose!.stderr).not.toContain(SECRET);
  });

  it('kubernetes: the stop command is a preStop exec hook (instead of the signal\'s); daemon is a warning; the schemas accept it', () => {
    expect(outputs.kubernetes!.code, outputs.kubernetes!.stderr).toBe(0);
    const objects = readKubernetes(join(out('kubernetes'), 'kv.yaml'));
    const container = (name: string) => objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name)!.spec.template.spec.containers[0];
    expect(container('kv-cache').lifecycle).toEqual({ preStop: { exec: { command: ['/bin/sh', '-c', 'kill "$(cat /run/cache.pid)"'] } } });
    // SIGINT is for a stop command that fails, in land: the hook is the command, not `kill -INT 1`.
    expect(container('kv-web').lifecycle).toEqual({ preStop: { exec: { command: ['/bin/sh', '-c', `exec curl -fsS -X POST 'http://127.0.0.1:58081/drain?token='"\${LAND_STOP_SECRET_1}"`] } } });
    expect(readFileSync(join(out('kubernetes'), 'kv.yaml'), 'utf8')).not.toContain(SECRET);
    const { stdout } = outputs.kubernetes!;
    expect(stdout).toMatch(/warning: tier cache: daemon not mapped: a container runs as long as its main process, so the pod restarts when the launcher exits/);
    expect(stdout).toMatch(/stop command mapped to a preStop hook: Kubernetes sends SIGTERM to the container once it has run/);
    expect(stdout).not.toMatch(/stop signal SIGINT: sent by a preStop hook/);
  });
});
