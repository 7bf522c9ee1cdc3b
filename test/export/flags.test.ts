/**
 * `land export`'s own flags as bad input: `--out` naming a file, `--image` that is no image reference, `--app`
 * that no engine can name; and a Procfile stack in a folder whose name the engines cannot take, which has no `app`
 * to set (the advice is `--app` or a rename, and `land check` warns of it).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isImageReference } from '../../src/export/image-ref.js';
import { landDone, makeProject, removeProjects } from '../helpers/land.js';
import { readKubernetes } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'land-export-flags-'));
afterAll(() => {
  removeProjects();
  rmSync(root, { recursive: true, force: true });
});

const RULE = 'letters, digits, ., - and _ (starting with a letter or digit, at most 63 characters)';

describe('land export: its flags', () => {
  it('--out naming a file, or a path through one: one line naming --out, exit 2, the file untouched', async () => {
    const dir = makeProject({ config: { app: 'shop', tiers: { api: { command: ['sleep', '60'] } } } });
    const file = join(root, 'a-file');
    writeFileSync(file, 'mine\n');
    const onFile = await landDone(['export', 'compose', '--out', file], dir);
    expect(onFile).toMatchObject({ code: 2, stdout: '' });
    expect(onFile.stderr).toMatch(/^land: --out: expected a folder \(or a path to create one at\), got a file: \S*a-file\n$/);
    const through = await landDone(['export', 'systemd', '--out', join(file, 'sub')], dir);
    expect(through.code).toBe(2);
    expect(through.stderr).toMatch(/^land: --out: expected a folder \(or a path to create one at\), \S*a-file on its way is a file: \S*a-file\/sub\n$/);
    expect(readFileSync(file, 'utf8')).toBe('mine\n');
  });

  it('--image: a reference that does not parse is one line naming --image, exit 2, nothing written; a good one is written as given', async () => {
    const dir = makeProject({ config: { app: 'shop', tiers: { api: { command: ['sleep', '60'] } } } });
    for (const bad of ['bad image ref!!', 'Shop:1.0', 'shop:', 'shop:-x', 'registry:5000/', 'shop@sha256:abc']) {
      const out = join(root, 'bad-image');
      const result = await landDone(['export', 'kubernetes', '--image', bad, '--out', out], dir);
      expect(result.code, bad).toBe(2);
      expect(result.stderr).toBe(`land: --image: expected an image reference such as registry.example.com:5000/team/app:1.2 ([registry/]name[:tag][@digest], the name lowercase), got ${JSON.stringify(bad)}\n`);
      expect(existsSync(out)).toBe(false);
    }
    const good = `Registry.Example.com:5000/team/shop-api_v2:1.2.3-rc.1@sha256:${'a'.repeat(64)}`;
    const out = join(root, 'good-image');
    const result = await landDone(['export', 'kubernetes', '--image', good, '--out', out], dir);
    expect(result.code, result.stderr).toBe(0);
    const deployment = readKubernetes(join(out, 'shop.yaml')).find((o) => o.kind === 'Deployment')!;
    expect(deployment.spec.template.spec.containers[0].image).toBe(good);
  });

  it('the default image <app>:<version> is checked as --image is: one line naming --image and the fix, exit 2, nothing written', async () => {
    for (const [app, version, image] of [
      ['shop_', '1.0.0', 'shop_:1.0.0'],
      ['shop', '1.0.0+build.5', 'shop:1.0.0+build.5'],
    ] as const) {
      const dir = makeProject({ config: { app, version, tiers: { api: { command: ['sleep', '60'] } } } });
      for (const engine of ['compose', 'kubernetes']) {
        const out = join(root, `default-image-${engine}-${app}-${version}`);
        const result = await landDone(['export', engine, '--out', out], dir);
        expect(result.code, result.stderr).toBe(2);
        expect(result.stderr).toBe(
          `land: --image: not given, and the default <app>:<version>, ${JSON.stringify(image)}, is not an image reference such as registry.example.com:5000/team/app:1.2 ([registry/]name[:tag][@digest], the name lowercase): pass --image <reference>\n`,
        );
        expect(existsSync(out)).toBe(false);
        expect(await landDone(['export', engine, '--image', 'shop:1', '--out', out], dir)).toMatchObject({ code: 0 });
      }
      // systemd names no image.
      expect(await landDone(['export', 'systemd', '--out', join(root, `default-image-systemd-${app}-${version}`)], dir)).toMatchObject({ code: 0 });
    }
  });

  it('isImageReference follows the reference grammar', () => {
    for (const good of ['shop', 'shop:1', 'library/node:20', 'localhost:5000/a/b', '[::1]:5000/shop:latest', 'a__b.c-d---e:T_1.x']) expect(isImageReference(good), good).toBe(true);
    for (const bad of ['', 'Shop', 'shop:', ':1', 'a//b', 'a_-b', `shop:${'x'.repeat(129)}`, `${'a'.repeat(256)}`, 'sh op']) expect(isImageReference(bad), bad).toBe(false);
  });
});

describe('land export: a Procfile stack in a folder the engines cannot name', () => {
  const folder = join(root, 't13 sp');
  mkdirSync(folder);
  writeFileSync(join(folder, 'Procfile'), 'web: sleep 60\n');

  it('export refuses it with advice a Procfile stack can follow; --app names it; a bad --app names the flag', async () => {
    const refused = await landDone(['export', 'compose', '--out', join(root, 'procfile-refused')], folder);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`land: Procfile: app: not set (a Procfile has no place for it), and the folder's name "t13 sp" that stands in for it is not an application name of ${RULE}: pass --app <name> to land export, or rename the folder\n`);
    expect(existsSync(join(root, 'procfile-refused'))).toBe(false);
    const badApp = await landDone(['export', 'compose', '--app', 't13 sp', '--out', join(root, 'procfile-bad-app')], folder);
    expect(badApp.code).toBe(2);
    expect(badApp.stderr).toBe(`land: --app: expected an application name of ${RULE}, got "t13 sp"\n`);
    const out = join(root, 'procfile-named');
    const named = await landDone(['export', 'systemd', '--app', 't13-sp', '--out', out], folder);
    expect(named.code, named.stderr).toBe(0);
    const unit = readFileSync(join(out, 't13-sp-web.service'), 'utf8');
    expect(unit).toContain('PartOf=t13-sp.target');
    expect(unit).toContain('Environment="LAND_APP=t13-sp"');
  });

  it('land check warns of it, exit 0', async () => {
    const check = await landDone(['check'], folder);
    expect(check.code).toBe(0);
    expect(check.stdout).toBe(`Procfile: app: warning: not set (a Procfile has no place for it), and the folder's name "t13 sp" that stands in for it is not an application name of ${RULE}: pass --app <name> to land export, or rename the folder\n`);
  });
});

describe('land export -m: a Procfile stack\'s formation', () => {
  const folder = join(root, 'formation');
  mkdirSync(folder);
  writeFileSync(join(folder, 'Procfile'), 'web: sleep 60\nworker: sleep 60\n');

  it('exports the formation as land up runs it (worker=2: its replicas; a type it does not name is left out); bad counts as land up says them', async () => {
    const out = join(root, 'formation-compose');
    const done = await landDone(['export', 'compose', '-m', 'worker=2', '--out', out], folder);
    expect(done.code, done.stderr).toBe(0);
    const compose = readFileSync(join(out, 'compose.yaml'), 'utf8');
    expect(compose).toMatch(/^ {2}worker:\n(?: {4}.*\n)*? {4}deploy:\n {6}replicas: 2$/m);
    expect(compose).not.toMatch(/^ {2}web:$/m);
    const both = await landDone(['export', 'systemd', '--formation', 'all=1,worker=3', '--out', join(root, 'formation-systemd')], folder);
    expect(both.code, both.stderr).toBe(0);
    expect(existsSync(join(root, 'formation-systemd', 'formation-worker@.service'))).toBe(true);
    expect(existsSync(join(root, 'formation-systemd', 'formation-web@.service'))).toBe(true);
    const bad = await landDone(['export', 'compose', '-m', 'web=2,wrker=1', '--out', join(root, 'formation-bad')], folder);
    expect(bad).toMatchObject({ code: 2, stdout: '', stderr: 'land: -m/--formation: unknown process type "wrker" (the Procfile has web, worker; all sets the rest)\n' });
    expect(existsSync(join(root, 'formation-bad'))).toBe(false);
    const config = makeProject({ config: { app: 'shop', tiers: { api: { command: ['sleep', '60'] } } } });
    const notProcfile = await landDone(['export', 'compose', '-m', 'api=2', '--out', join(root, 'formation-config')], config);
    expect(notProcfile.code).toBe(2);
    expect(notProcfile.stderr).toMatch(/^land: --formation: only for a Procfile stack \(.*\)\n$/);
  });
});
