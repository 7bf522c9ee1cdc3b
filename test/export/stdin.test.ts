/**
 * `land export` of a tier with `stdin: true`: Compose's `stdin_open` and Kubernetes' container `stdin` keep its input
 * open (`docker compose attach`, `kubectl attach -i`); systemd says it has none, supervisord how to type into it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { landDone, makeProject, removeProjects } from '../helpers/land.js';
import { composeConfig, readKubernetes } from './helpers.js';

afterAll(removeProjects);

describe('land export: a tier with stdin: true', () => {
  it('Compose stdin_open, Kubernetes stdin, a systemd warning, a supervisord note; a tier without the option gets none', async () => {
    const dir = makeProject({ config: { app: 'io', tiers: { repl: { command: ['sleep', '60'], stdin: true }, plain: { command: ['sleep', '60'] } } } });
    const exported = async (engine: string) => {
      const result = await landDone(['export', engine, '--out', join(dir, engine)], dir);
      expect(result.code, result.stderr).toBe(0);
      return result.stdout;
    };
    await exported('compose');
    const { code, stderr, config } = await composeConfig(join(dir, 'compose'));
    expect(code, stderr).toBe(0);
    expect(config.services.repl!.stdin_open).toBe(true);
    expect(config.services.plain!.stdin_open).toBeUndefined();

    await exported('kubernetes');
    const containers = readKubernetes(join(dir, 'kubernetes', 'io.yaml'))
      .filter((object) => object.kind === 'Deployment')
      .map((object) => object.spec.template.spec.containers[0]);
    expect(containers.find((container) => container.name === 'repl').stdin).toBe(true);
    expect(containers.find((container) => container.name === 'plain').stdin).toBeUndefined();

    const systemd = await exported('systemd');
    expect(systemd).toContain("warning: tier repl: stdin: true not mapped: a unit's stdin is /dev/null (StandardInput=null)");
    expect(readFileSync(join(dir, 'systemd', 'io-repl.service'), 'utf8')).toContain("# warning: stdin: true not mapped: a unit's stdin is /dev/null");
    expect(readFileSync(join(dir, 'systemd', 'io-plain.service'), 'utf8')).not.toContain('stdin');

    const supervisord = await exported('supervisord');
    expect(supervisord).toContain('warning: tier repl: stdin: true: supervisord gives every program a stdin; type into it with `supervisorctl fg repl`');
    expect(supervisord).not.toContain('tier plain: stdin');
  });
});
