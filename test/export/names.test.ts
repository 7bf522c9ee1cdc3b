/**
 * Tiers land keeps apart but an engine's naming rules would fold together: `API` and `api`, `web_1` and `web-1`,
 * two long names with the same start. Each must stay its own object in every engine, with the same names at every
 * export, and the folding said in a warning naming the tiers.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dnsName, tierLabels } from '../../src/export/names.js';
import { landDone, makeProject, removeProjects } from '../helpers/land.js';
import { composeConfig, readKubernetes, verifyUnits, type KubeObject } from './helpers.js';

const LONG_A = `${'x'.repeat(59)}-one`;
const LONG_B = `${'x'.repeat(59)}-two`;
const TIERS = ['API', 'api', 'web_1', 'web-1', LONG_A, LONG_B];

const CONFIG = `export default {
  app: 'shop',
  tiers: {
    API: { command: ['sleep', '60'], env: { WHO: 'API' } },
    api: { command: ['sleep', '60'], env: { WHO: 'api', API_TOKEN: 'tok-names-1' } },
    web_1: { command: ['sleep', '60'], env: { WHO: 'web_1' }, dependsOn: { API: 'started', api: 'started' } },
    'web-1': { command: ['sleep', '60'], env: { WHO: 'web-1' } },
    '${LONG_A}': { command: ['sleep', '60'], env: { WHO: 'a' } },
    '${LONG_B}': { command: ['sleep', '60'], env: { WHO: 'b' } },
  },
};
`;

let project = '';
const root = mkdtempSync(join(tmpdir(), 'land-export-names-'));
const outputs: Record<string, { code: number | null; stdout: string; stderr: string }> = {};

beforeAll(async () => {
  project = makeProject({ config: { tiers: {} } });
  writeFileSync(join(project, 'land.config.mjs'), CONFIG);
  for (const engine of ['kubernetes', 'compose', 'systemd']) {
    outputs[engine] = await landDone(['export', engine, '--out', join(root, engine)], project);
  }
}, 120_000);

afterAll(() => {
  removeProjects();
  rmSync(root, { recursive: true, force: true });
});

describe('export names that an engine would fold together', () => {
  it('kubernetes: every tier keeps its own Deployment, ConfigMap, selector and init container; a warning names the tiers', () => {
    const { code, stdout, stderr } = outputs.kubernetes!;
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/land: warning: tiers API and api have one Kubernetes name, "api" .*exported API as "api-[0-9a-f]{6}"/);
    expect(stdout).toMatch(/land: warning: tiers web_1 and web-1 have one Kubernetes name, "web-1" .*exported web_1 as "web-1-[0-9a-f]{6}"/);
    const objects = readKubernetes(join(root, 'kubernetes', 'shop.yaml'));
    const keys = objects.map((object) => `${object.kind}/${object.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    const deployments = objects.filter((object) => object.kind === 'Deployment');
    expect(deployments).toHaveLength(TIERS.length);
    for (const object of objects) expect(object.metadata.name.length).toBeLessThanOrEqual(63);
    // Each Deployment's selector picks its own pods, and its ConfigMap is its own tier's environment.
    const selectors = deployments.map((object) => JSON.stringify(object.spec.selector.matchLabels));
    expect(new Set(selectors).size).toBe(TIERS.length);
    const configMaps = new Map(objects.filter((object) => object.kind === 'ConfigMap').map((object) => [object.metadata.name, object]));
    const who = deployments.map((object: KubeObject) => configMaps.get(object.spec.template.spec.containers[0].envFrom[0].configMapRef.name)!.data.WHO);
    expect(who.sort()).toEqual(['API', 'a', 'api', 'b', 'web-1', 'web_1']);
    const web = deployments.find((object) => object.spec.template.spec.containers[0].envFrom[0].configMapRef.name.startsWith('shop-web-1-'))!;
    const waits = web.spec.template.spec.initContainers.map((container: { name: string }) => container.name);
    expect(new Set(waits).size).toBe(2);
    const secrets = readKubernetes(join(root, 'kubernetes', 'shop-secrets.yaml'));
    expect(secrets.map((object) => object.metadata.name)).toEqual(['shop-api-secrets']);
  });

  it('the names are the same at every export', async () => {
    const again = join(root, 'kubernetes-again');
    expect((await landDone(['export', 'kubernetes', '--out', again], project)).code).toBe(0);
    const names = (dir: string) => readKubernetes(join(dir, 'shop.yaml')).map((object) => `${object.kind}/${object.metadata.name}`);
    expect(names(again)).toEqual(names(join(root, 'kubernetes')));
  });

  it('compose and systemd keep case and _ in their names: one service and one unit per tier, as their own tools read them', async () => {
    expect(outputs.compose!.code, outputs.compose!.stderr).toBe(0);
    const compose = await composeConfig(join(root, 'compose'));
    expect(compose.code, compose.stderr).toBe(0);
    expect(Object.keys(compose.config.services).sort()).toEqual([...TIERS].sort());
    expect(outputs.systemd!.code, outputs.systemd!.stderr).toBe(0);
    const verified = await verifyUnits(join(root, 'systemd'));
    expect(verified.stderr).toBe('');
    // API differs from api only in case: its unit takes a hash so that the two stay two files on macOS (below).
    for (const tier of TIERS.filter((name) => name !== 'API')) expect(outputs.systemd!.stdout).toContain(`  shop-${tier}.service\n`);
    expect(outputs.systemd!.stdout).toMatch(/ {2}shop-API-[0-9a-f]{6}\.service\n/);
  });

  it('compose and systemd: file names that differ only in case get a hash, with a warning, and every reference follows', async () => {
    const dir = makeProject({
      config: {
        app: 'shop',
        tiers: {
          API: { command: ['sleep', '60'], env: { API_TOKEN: 'tok-upper' }, liveness: { tcp: 1, intervalMs: 1000 } },
          api: { command: ['sleep', '60'], env: { API_TOKEN: 'tok-lower' }, dependsOn: { API: 'started' } },
          Api: { command: ['sleep', '60'], env: { API_TOKEN: 'tok-mixed' } },
        },
      },
    });
    for (const engine of ['compose', 'systemd']) {
      const out = join(root, `case-${engine}`);
      const exported = await landDone(['export', engine, '--out', out], dir);
      expect(exported.code, exported.stderr).toBe(0);
      const files = readdirSync(out).filter((name) => name !== '.land-export.json');
      // One file per name whatever the case: what a case-insensitive file system needs.
      expect(new Set(files.map((name) => name.toLowerCase())).size, files.join(' ')).toBe(files.length);
      expect(exported.stdout).toMatch(/land: warning: tiers API, api and Api have names that differ only in case, one file where case is ignored \(macOS\): exported API as "\S+", Api as "\S+", so that neither replaces the other/);
      if (engine === 'compose') {
        expect(files.filter((name) => name.endsWith('.secrets.env'))).toHaveLength(3);
        const compose = await composeConfig(out);
        expect(compose.code, compose.stderr).toBe(0);
        // Each service reads its own secrets file.
        for (const [tier, token] of [['API', 'tok-upper'], ['api', 'tok-lower'], ['Api', 'tok-mixed']] as const) {
          expect(compose.config.services[tier]!.environment.API_TOKEN, tier).toBe(token);
        }
      } else {
        expect(files.filter((name) => name.endsWith('.service') && !name.includes('liveness'))).toHaveLength(3);
        const api = readFileSync(join(out, 'shop-api.service'), 'utf8');
        const upper = files.find((name) => /^shop-API-[0-9a-f]{6}\.service$/.test(name))!;
        // api waits for API's unit under its new name; API's liveness timer is bound to it.
        expect(api).toContain(`Requires=${upper}`);
        expect(readFileSync(join(out, upper.replace('.service', '-liveness.timer')), 'utf8')).toContain(`BindsTo=${upper}`);
        expect(readFileSync(join(out, upper), 'utf8')).toContain(`EnvironmentFile=/etc/land/shop/${upper.replace('.service', '.secrets.env')}`);
        const verified = await verifyUnits(out);
        expect(verified.stderr).toBe('');
      }
    }
  });

  it('app: any name runs; land check warns of one no engine can name, land export refuses it, explicit or the folder name', async () => {
    const dir = makeProject({ config: { app: 'My Shop', tiers: { api: { command: ['sleep', '60'] } } } });
    const check = await landDone(['check'], dir);
    expect(check.code).toBe(0);
    expect(check.stdout).toBe('land.config.mjs: app: warning: "My Shop" is not an application name of letters, digits, ., - and _ (starting with a letter or digit, at most 63 characters): land export refuses it\n');
    const json = JSON.parse((await landDone(['check', '--json'], dir)).stdout) as { ok: boolean; warnings: Array<{ key: string }> };
    expect(json).toMatchObject({ ok: true, warnings: [{ key: 'app' }] });
    const profiles = await landDone(['profiles'], dir);
    expect(profiles.stderr).toBe('');
    expect(profiles.code).toBe(0);
    const refused = await landDone(['export', 'systemd', '--out', join(root, 'explicit')], dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^land: land\.config\.mjs: app: expected an application name of letters, digits, \., - and _ .*, got "My Shop"\n$/);
    expect(existsSync(join(root, 'explicit'))).toBe(false);
    const folder = join(root, 'my shop');
    mkdirSync(folder);
    writeFileSync(join(folder, 'land.config.mjs'), "export default { tiers: { api: { command: ['sleep', '60'] } } };\n");
    // The folder name is no explicit app: no warning at land check.
    expect(await landDone(['check'], folder)).toMatchObject({ code: 0, stdout: '' });
    const exported = await landDone(['export', 'systemd', '--out', join(root, 'unnamed')], folder);
    expect(exported.code).toBe(2);
    expect(exported.stderr).toMatch(/^land: land\.config\.mjs: app: not set, and the folder's name "my shop" that stands in for it is not an application name of .*: set app, or pass --app <name> to land export\n$/);
    expect(existsSync(join(root, 'unnamed'))).toBe(false);
    writeFileSync(join(folder, 'land.config.mjs'), "export default { app: 'my-shop', tiers: { api: { command: ['sleep', '60'] } } };\n");
    expect((await landDone(['export', 'systemd', '--out', join(root, 'named')], folder)).code).toBe(0);
  });

  it('dnsName cuts a long name with a hash of the whole; tierLabels keeps a tier whose name is already the label', () => {
    expect(dnsName('shop', LONG_A)).not.toBe(dnsName('shop', LONG_B));
    expect(dnsName('shop', LONG_A)).toHaveLength(63);
    expect(dnsName('shop', 'api', 'env')).toBe('shop-api-env');
    const { labels, warnings } = tierLabels(['Web', 'WEB', 'web']);
    expect(labels.get('web')).toBe('web');
    expect(new Set(labels.values()).size).toBe(3);
    expect(warnings.map((warning) => warning.text)).toEqual([expect.stringMatching(/^tiers Web, WEB and web have one Kubernetes name, "web"/)]);
    expect(tierLabels(['WEB', 'web']).labels.get('WEB')).toBe(labels.get('WEB'));
  });
});
