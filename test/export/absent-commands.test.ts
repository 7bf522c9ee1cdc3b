/**
 * `land export` of a stack whose programs are not installed here: the engines run them inside an image (Compose,
 * Kubernetes) or on a host that may not be this one (systemd, supervisord), so this machine's PATH refuses nothing;
 * systemd's and supervisord's exports warn. `land check` and `land up` still refuse the same stack.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { landDone, makeProject, removeProjects } from '../helpers/land.js';
import { composeConfig, readKubernetes, readUnit } from './helpers.js';

afterAll(removeProjects);

// A program no machine running these tests has on its PATH.
const ABSENT = 'land-test-absent-server';

const stack = () =>
  makeProject({
    config: {
      app: 'img',
      tiers: { cache: { command: [ABSENT, '--port', '6379'], ready: { tcp: 6379 }, stop: { command: [`${ABSENT}-stop`] } } },
    },
  });

describe('land export: commands not installed on this machine', () => {
  it('compose and kubernetes write the command as given, with no warning about it', async () => {
    const dir = stack();
    const compose = await landDone(['export', 'compose', '--image', 'redis:7', '--out', join(dir, 'compose')], dir);
    expect(compose.code, compose.stderr).toBe(0);
    expect(compose.stdout + compose.stderr).not.toContain('not found');
    const { code, stderr, config } = await composeConfig(join(dir, 'compose'));
    expect(code, stderr).toBe(0);
    expect(config.services.cache!.command).toEqual([ABSENT, '--port', '6379']);

    const kube = await landDone(['export', 'kubernetes', '--image', 'redis:7', '--out', join(dir, 'kube')], dir);
    expect(kube.code, kube.stderr).toBe(0);
    expect(kube.stdout + kube.stderr).not.toContain('not found');
    const deployment = readKubernetes(join(dir, 'kube', 'img.yaml')).find((object) => object.kind === 'Deployment')!;
    expect(deployment.spec.template.spec.containers[0].command).toEqual([ABSENT, '--port', '6379']);
  });

  it('systemd writes the units and warns of each command it could not find here', async () => {
    const dir = stack();
    const result = await landDone(['export', 'systemd', '--out', join(dir, 'units')], dir);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout + result.stderr).toContain(`command "${ABSENT}" was not found on this machine's PATH`);
    expect(result.stdout + result.stderr).toContain(`stop command "${ABSENT}-stop" was not found on this machine's PATH`);
    const unit = readUnit(join(dir, 'units', 'img-cache.service'));
    expect(unit.Service!.ExecStart![0]).toMatch(new RegExp(`^${ABSENT} `));
  });

  it('supervisord writes the program and warns of the command it could not find here, as systemd does', async () => {
    const dir = stack();
    const result = await landDone(['export', 'supervisord', '--out', join(dir, 'conf')], dir);
    expect(result.code, result.stderr).toBe(0);
    const warning = `command "${ABSENT}" was not found on this machine's PATH: command= names it as is`;
    expect(result.stdout).toContain(`warning: tier cache: ${warning}`);
    expect(readFileSync(join(dir, 'conf', 'img.conf'), 'utf8')).toContain(`# warning: ${warning}`);
    // A command found here gets no such warning.
    const found = makeProject({ config: { app: 'img', tiers: { cache: { command: ['sleep', '60'] } } } });
    const quiet = await landDone(['export', 'supervisord', '--out', join(found, 'conf')], found);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout + quiet.stderr).not.toContain('not found');
  });

  it('land check and land up still refuse the stack, naming the key (exit 2)', async () => {
    const dir = stack();
    for (const args of [['check'], ['up', '-d']]) {
      const result = await landDone(args, dir);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stdout + result.stderr).toContain(`tiers.cache.command: expected an executable, "${ABSENT}" was not found on PATH`);
    }
  });
});
