import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { ResolvedConfig } from '../../src/config/types.js';
import { ROOT, land, landDone, makeProject, removeProjects } from '../helpers/land.js';

afterAll(removeProjects);

interface Coverage {
  defaultProfile: string;
  profiles: Array<{ profile: string; starts: string[]; gatedOff: Array<{ tier: string; by: string }> }>;
}

const ONE_SHOT = ['wind', 'sidecar'];

/** The demo stack's shape (names, gates, dependencies) with cheap fixture children, and the shipped profiles. */
function demoShapedProject(demo: ResolvedConfig): string {
  const tiers = Object.fromEntries(
    demo.tiers.map((tier) => [
      tier.name,
      {
        // Cheap stand-ins with the demo's shape: one-shot tiers complete (sky waits for wind to complete).
        command: ONE_SHOT.includes(tier.name) ? ['true'] : ['sleep', '60'],
        gate: tier.gate,
        dependsOn: tier.dependsOn,
        restart: { policy: 'on-failure' },
      },
    ]),
  );
  const dir = makeProject({ config: { app: 'land', tiers }, profiles: {} });
  cpSync(join(ROOT, 'profiles'), join(dir, 'profiles'), { recursive: true });
  return dir;
}

describe('profiles', () => {
  let demo: ResolvedConfig;
  let dir: string;
  let coverage: Coverage;

  beforeAll(async () => {
    demo = await loadConfig({ cwd: ROOT });
    dir = demoShapedProject(demo);
    const result = await landDone(['profiles', '--json'], dir, { Spawn: undefined, Render: undefined, Skip: undefined });
    expect(result.code).toBe(0);
    coverage = JSON.parse(result.stdout) as Coverage;
  });

  it('the coverage table says what the seeds say', () => {
    const starts = (name: string) => coverage.profiles.find((row) => row.profile === name)?.starts.sort();
    const all = demo.tiers.map((tier) => tier.name).sort();
    const without = (...names: string[]) => all.filter((name) => !names.includes(name));
    expect(coverage.profiles.map((row) => row.profile).sort()).toEqual([
      'debug',
      'debug-cocoon-headless',
      'debug-electron',
      'debug-electron-minimal',
      'debug-kernel',
      'debug-mountain',
      'debug-mountain-only',
      'release',
    ]);
    for (const name of ['debug', 'debug-mountain', 'debug-electron', 'debug-electron-minimal']) expect(starts(name)).toEqual(all);
    expect(starts('debug-cocoon-headless')).toEqual(without('sky', 'wind'));
    expect(starts('debug-mountain-only')).toEqual(without('cocoon'));
    expect(starts('debug-kernel')).toEqual(without('cocoon', 'sky', 'wind'));
    const kernel = coverage.profiles.find((row) => row.profile === 'debug-kernel')!;
    expect(kernel.gatedOff).toContainEqual({ tier: 'cocoon', by: 'Spawn=false' });
    expect(kernel.gatedOff).toContainEqual({ tier: 'sky', by: 'Render=false' });
  });

  it('prints the table for people', async () => {
    const result = await landDone(['profiles'], dir, { Spawn: undefined, Render: undefined });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^debug-kernel +yes +- +- +- +yes +yes +yes +yes$/m);
    expect(result.stdout).toMatch(/^ {2}debug-kernel: cocoon \(Spawn=false\), wind \(Render=false\), sky \(Render=false\)$/m);
    for (const line of result.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('each profile boots exactly the tiers its coverage row names', { timeout: 180_000 }, async () => {
    for (const row of coverage.profiles) {
      const run = land(['up', '--no-tui', '--profile', row.profile], dir, { Spawn: undefined, Render: undefined });
      for (const tier of row.starts) await run.waitFor(new RegExp(`${tier}: spawned pid`));
      await run.stop();
      const spawned = [...run.stdout.matchAll(/^mountain \| (\S+): spawned pid/gm)].map((m) => m[1]).sort();
      expect(spawned, row.profile).toEqual([...row.starts].sort());
      for (const gated of row.gatedOff) {
        expect(run.stdout).not.toMatch(new RegExp(`${gated.tier}: spawned`));
      }
    }
  });

  it('an exported flag beats the profile: Spawn=true land up --profile debug-kernel starts cocoon', async () => {
    const run = land(['up', '--no-tui', '--profile', 'debug-kernel'], dir, { Spawn: 'true' });
    await run.waitFor(/cocoon: spawned pid/);
    await run.stop();
    expect(run.stdout).not.toMatch(/sky: spawned/);
  });

  it('with profiles but none named debug and no defaultProfile, land up says debug is the default and lists what it found', async () => {
    const dir = makeProject({ config: { tiers: { api: { command: ['sleep', '60'] } } }, profiles: { dev: 'A=1\n', prod: 'A=2\n' } });
    const result = await landDone(['up', '--no-tui'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'land: unknown profile "debug" (the default profile when the config sets no defaultProfile; known profiles: dev, prod)\n',
    );
    const named = await landDone(['up', '--no-tui', '--profile', 'staging'], dir);
    expect(named.stderr).toBe('land: unknown profile "staging" (known profiles: dev, prod)\n');
    const chosen = makeProject({ config: { defaultProfile: 'qa', tiers: { api: { command: ['sleep', '60'] } } }, profiles: { dev: '' } });
    expect((await landDone(['up', '--no-tui'], chosen)).stderr).toBe('land: unknown profile "qa" (the config\'s defaultProfile; known profiles: dev)\n');
    // Naming the default itself is still the config's choice, not the default's.
    const debug = makeProject({ config: { defaultProfile: 'debug', tiers: { api: { command: ['sleep', '60'] } } }, profiles: { dev: '' } });
    expect((await landDone(['up', '--no-tui'], debug)).stderr).toBe('land: unknown profile "debug" (the config\'s defaultProfile; known profiles: dev)\n');
  });
});

describe('profiles: the default land up would boot', () => {
  it('a default that is not a profile: land profiles says what land up says, exit 2, no row starred', async () => {
    const dir = makeProject({ config: { tiers: { api: { command: ['sleep', '60'] } } }, profiles: { dev: 'X=1\n' } });
    const line = 'land: unknown profile "debug" (the default profile when the config sets no defaultProfile; known profiles: dev)\n';
    const check = await landDone(['check'], dir);
    expect(check.code).toBe(2);
    expect(check.stdout).toContain(line.slice(6, -1));
    const text = await landDone(['profiles'], dir);
    expect(text.code).toBe(2);
    expect(text.stderr).toBe(line);
    expect(text.stdout).toMatch(/^dev +yes$/m);
    expect(text.stdout).not.toMatch(/ \*/);
    expect(text.stdout).toContain('* default profile: none here, "debug" does not exist (land up refuses it)');
    const json = await landDone(['profiles', '--json'], dir);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ defaultProfile: 'debug', broken: [{ profile: 'debug', error: line.slice(6, -1) }] });
  });

  it('no profiles: --json names the profile a plain land up boots (default), not debug', async () => {
    const dir = makeProject({ config: { tiers: { api: { command: ['sleep', '60'] } } }, profiles: {} });
    const json = await landDone(['profiles', '--json'], dir);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ defaultProfile: 'default', profiles: [] });
  });
});
