import { readFileSync } from 'node:fs';
import { displayPath } from '../../src/config/display-path.js';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { resolvePlan } from '../../src/config/plan.js';
import { listProfiles } from '../../src/config/profiles.js';
import { resolveConfig } from '../../src/config/resolve.js';
import type { LandConfig, ResolvedConfig, TierConfig } from '../../src/config/types.js';
import { makeTempProject, repoPath, type TempProject } from './temp-project.js';

let project: TempProject;
beforeEach(() => {
  project = makeTempProject('land-plan-');
});
afterEach(() => {
  project.remove();
});

function configIn(dir: string, config: Partial<LandConfig> & Pick<LandConfig, 'tiers'>): ResolvedConfig {
  return resolveConfig(config, path.join(dir, 'land.config.ts'), 'land.config.ts');
}

const run = (extra: Partial<TierConfig> = {}): TierConfig => ({ command: ['true'], ...extra });

describe('resolvePlan: env layering', () => {
  it('layers env files in order, then the profile, then the shell for keys the files define', () => {
    project.write('.env.Land', 'Mode=debug\nA=land\nB=land\nC=land\n');
    project.write('.env.Land.PostHog', 'B=posthog\nBeam=https://eu.i.posthog.com\n');
    project.write('profiles/debug.env', 'C=profile\nD=profile\n');
    const config = configIn(project.dir, { tiers: { a: run() } });
    const plan = resolvePlan(config, { shellEnv: { D: 'shell', HOME: '/home/x', UNSET: undefined } });
    expect(plan.profileEnv).toEqual({ Mode: 'debug', A: 'land', B: 'posthog', C: 'profile', D: 'shell', Beam: 'https://eu.i.posthog.com' });
    expect(plan.shellEnv).toEqual({ D: 'shell', HOME: '/home/x' });
    expect(plan.profile).toBe('debug');
    expect(plan.profileFile).toBe(path.join(project.dir, 'profiles/debug.env'));
  });

  it('expands ${VAR} as Compose does: earlier keys, earlier files, land\'s environment; \\$, $$ and single quotes literal', () => {
    project.write('.env.Land', 'A=one\nC=${A}-expanded\nH=$HOME/x\nD=${MISSING:-fallback}\n');
    project.write('.env.Land.PostHog', "A=two\nE=${C}+${A}\nF=\\$A\nG='${A}'\nP=pa$$word\nQ=\"${A} quoted\"\n");
    const config = configIn(project.dir, { tiers: { a: run() } });
    const plan = resolvePlan(config, { shellEnv: { HOME: '/home/x' } });
    expect(plan.profileEnv).toMatchObject({ A: 'two', C: 'one-expanded', H: '/home/x/x', D: 'fallback', E: 'one-expanded+two', F: '$A', G: '${A}', P: 'pa$word', Q: 'two quoted' });
  });

  it("a tier's envFiles: after the stack's files, before its env, ${VAR} from both; land's exported value wins; a bad line names file:line", () => {
    project.write('.env.Land', 'A=stack\nB=stack\n');
    project.write('tiers/db.env', 'B=db\nC=${A}-${B}\nD=file\nE=file\n');
    project.write('tiers/more.env', 'E=more\nF=${C}\n');
    const config = configIn(project.dir, { tiers: { db: run({ envFiles: ['tiers/db.env', 'tiers/more.env'], env: { D: 'env' } }), other: run() } });
    const plan = resolvePlan(config, { shellEnv: { F: 'shell' } });
    const [db, other] = ['db', 'other'].map((name) => plan.config.tiers.find((tier) => tier.name === name)!);
    expect(db!.fileEnv).toEqual({ B: 'db', C: 'stack-db', D: 'file', E: 'more', F: 'shell' });
    expect(db!.env).toEqual({ D: 'env' });
    expect(other!.fileEnv).toBeUndefined();
    expect(plan.profileEnv).toEqual({ A: 'stack', B: 'stack' });
    project.write('tiers/more.env', 'E=more\nnot a line\n');
    expect(() => resolvePlan(config, { shellEnv: {} })).toThrow(/more\.env:2: expected KEY=value/);
  });

  it('an exported empty value still wins over the files (the dotenv convention)', () => {
    project.write('profiles/debug.env', 'Brand=someone\n');
    const plan = resolvePlan(configIn(project.dir, { tiers: { a: run() } }), { shellEnv: { Brand: '' } });
    expect(plan.profileEnv.Brand).toBe('');
  });

  it('uses <file>.Sample when the real file is absent, and skips a file absent both ways', () => {
    project.write('.env.Land.Sample', 'FromSample=1\nShared=sample\n');
    project.write('.env.Land.PostHog', 'Real=1\n');
    project.write('.env.Land.PostHog.Sample', 'Ignored=1\n');
    project.write('profiles/debug.env', '');
    const config = configIn(project.dir, { envFiles: ['.env.Land', '.env.Land.PostHog', '.env.Missing'], tiers: { a: run() } });
    expect(resolvePlan(config, { shellEnv: {} }).profileEnv).toEqual({ FromSample: '1', Shared: 'sample', Real: '1' });
  });

  it('uses the named profile over the default one, and rejects an unknown profile', () => {
    project.write('profiles/debug.env', 'P=debug\n');
    project.write('profiles/release.env', 'P=release\n');
    const config = configIn(project.dir, { tiers: { a: run() } });
    expect(resolvePlan(config, { profile: 'release', shellEnv: {} }).profileEnv).toEqual({ P: 'release' });
    expect(() => resolvePlan(config, { profile: 'nope', shellEnv: {} })).toThrow(new InputError('unknown profile "nope" (known profiles: debug, release)'));
  });

  it('names the file and line of a malformed profile', () => {
    project.write('profiles/debug.env', 'Spawn=true\noops\n');
    const config = configIn(project.dir, { tiers: { a: run() } });
    expect(() => resolvePlan(config, { shellEnv: {} })).toThrow(`${displayPath(path.join(project.dir, 'profiles/debug.env'))}:2: expected KEY=value, got "oops"`);
  });
});

describe('resolvePlan: gates', () => {
  const tiers = {
    mountain: run(),
    cocoon: run({ gate: 'Spawn' }),
    wind: run({ gate: ['Render'] }),
    sky: run({ gate: ['Render', 'Spawn'], dependsOn: { wind: 'completed' } }),
    helper: run({ dependsOn: { sky: 'started' } }),
    grove: run({ when: (env) => env.Mode !== 'release' }),
  } satisfies Record<string, TierConfig>;

  function gatedBy(profile: string, shellEnv: Record<string, string> = {}): Record<string, string | undefined> {
    const plan = resolvePlan(configIn(project.dir, { tiers }), { profile, shellEnv });
    return Object.fromEntries(plan.tiers.map((tier) => [tier.name, tier.enabled ? undefined : tier.gatedBy]));
  }

  it('starts every tier when no flag is false (unset, empty and any non-false word count as true)', () => {
    project.write('profiles/all.env', 'Spawn=yes\nRender=\n');
    expect(gatedBy('all')).toEqual({ mountain: undefined, cocoon: undefined, wind: undefined, sky: undefined, helper: undefined, grove: undefined });
  });

  it('keeps the first false flag, as written, as the reason; cascades to dependents as `needs <dep>`', () => {
    project.write('profiles/kernel.env', 'Spawn=Off\nRender=0\n');
    expect(gatedBy('kernel')).toEqual({
      mountain: undefined,
      cocoon: 'Spawn=Off',
      wind: 'Render=0',
      sky: 'Render=0',
      helper: 'needs sky',
      grove: undefined,
    });
  });

  it('disables a dependent of a gated-off tier even when its own gate is open', () => {
    project.write('profiles/norender.env', 'Render=false\nSpawn=true\n');
    const plan = resolvePlan(configIn(project.dir, { tiers: { wind: run({ gate: 'Render' }), sky: run({ dependsOn: { wind: 'completed' } }) } }), {
      profile: 'norender',
      shellEnv: {},
    });
    expect(plan.tiers).toEqual([
      { name: 'wind', enabled: false, gatedBy: 'Render=false' },
      { name: 'sky', enabled: false, gatedBy: 'needs wind' },
    ]);
  });

  it('lets an exported flag override the profile: Spawn=true starts cocoon under a Spawn=false profile', () => {
    project.write('profiles/debug-kernel.env', 'Spawn=false\nRender=false\n');
    expect(gatedBy('debug-kernel', { Spawn: 'true' }).cocoon).toBeUndefined();
    expect(gatedBy('debug-kernel', {}).cocoon).toBe('Spawn=false');
  });

  it('reads a flag the files never name from the shell', () => {
    project.write('profiles/plain.env', 'Mode=debug\n');
    expect(gatedBy('plain', { Spawn: 'no' }).cocoon).toBe('Spawn=no');
  });

  it('disables a tier whose `when` returns false, giving `when` as the reason, and passes it the profile env', () => {
    project.write('profiles/release.env', 'Mode=release\n');
    expect(gatedBy('release').grove).toBe('when');
    expect(gatedBy('release', { Mode: 'debug' }).grove).toBeUndefined();
  });

  it('turns a `when` that throws into an InputError naming the tier', () => {
    project.write('profiles/debug.env', '');
    const config = configIn(project.dir, { tiers: { a: run({ when: () => { throw new Error('no Mode'); } }) } });
    const file = path.join(project.dir, 'land.config.ts');
    expect(() => resolvePlan(config, { shellEnv: {} })).toThrow(
      new InputError(`${displayPath(file)}: tiers.a.when: expected a predicate that returns, but it threw: no Mode`),
    );
  });
});

describe('resolvePlan: the shipped demo profiles', () => {
  // Tiers gated as in the demo stack: cocoon by Spawn; sky and wind by Render; the others ungated.
  const demo: LandConfig = {
    envFiles: [repoPath('.env.Land.Sample'), repoPath('.env.Land.PostHog.Sample')],
    profilesDir: repoPath('profiles'),
    tiers: {
      air: run(),
      cocoon: run({ gate: 'Spawn' }),
      wind: run({ gate: 'Render' }),
      sky: run({ gate: 'Render', dependsOn: { wind: 'completed' } }),
      rest: run({ dependsOn: { air: 'ready' } }),
      grove: run({ dependsOn: { air: 'started' } }),
      sidecar: run({ dependsOn: { air: 'ready' } }),
    },
  };
  const all = ['air', 'cocoon', 'wind', 'sky', 'rest', 'grove', 'sidecar'];
  const without = (...names: string[]) => all.filter((name) => !names.includes(name));

  it.each([
    ['debug', all],
    ['debug-mountain', all],
    ['debug-electron', all],
    ['debug-electron-minimal', all],
    ['release', all],
    ['debug-cocoon-headless', without('sky', 'wind')],
    ['debug-mountain-only', without('cocoon')],
    ['debug-kernel', without('cocoon', 'sky', 'wind')],
  ])('%s starts %j', (profile, started) => {
    const config = resolveConfig(demo, repoPath('land.config.ts'), 'land.config.ts');
    // An empty shell env: the developer's own exported flags must not change the table.
    const plan = resolvePlan(config, { profile, shellEnv: {} });
    expect(plan.tiers.filter((tier) => tier.enabled).map((tier) => tier.name).sort()).toEqual([...started].sort());
  });

  it('ships exactly these profiles, each opening with a comment that says what it is for', () => {
    const names = listProfiles({ profilesDir: repoPath('profiles') });
    expect(names).toEqual(['debug', 'debug-cocoon-headless', 'debug-electron', 'debug-electron-minimal', 'debug-kernel', 'debug-mountain', 'debug-mountain-only', 'release']);
    for (const name of names) {
      expect(readFileSync(repoPath(`profiles/${name}.env`), 'utf8')).toMatch(new RegExp(`^# ${name}: \\S`));
    }
  });

  it('release switches telemetry off and sets the release build mode; debug-kernel and minimal set Skip', () => {
    const config = resolveConfig(demo, repoPath('land.config.ts'), 'land.config.ts');
    expect(resolvePlan(config, { profile: 'release', shellEnv: {} }).profileEnv).toMatchObject({ Capture: 'false', Mode: 'release' });
    expect(resolvePlan(config, { profile: 'debug', shellEnv: {} }).profileEnv).toMatchObject({ Capture: 'true', Mode: 'debug', Record: '1' });
    expect(resolvePlan(config, { profile: 'debug-kernel', shellEnv: {} }).profileEnv.Skip).toBe('true');
    expect(resolvePlan(config, { profile: 'debug-electron-minimal', shellEnv: {} }).profileEnv.Skip).toBe('true');
  });

  it('the PostHog sample has every telemetry key, a comment for each, and no API key', () => {
    const text = readFileSync(repoPath('.env.Land.PostHog.Sample'), 'utf8');
    const keys = ['Authorize', 'Beam', 'Capture', 'Report', 'OTLPEnabled', 'Emit', 'OTLPEndpoint', 'Pipe', 'Brand', 'Record', 'Throttle', 'Buffer', 'Batch', 'Cap', 'Trace', 'Replay', 'Ask'];
    const lines = text.split('\n');
    for (const key of keys) {
      const at = lines.findIndex((line) => line.startsWith(`${key}=`));
      expect(at, key).toBeGreaterThan(0);
      expect(lines[at - 1], `comment above ${key}`).toMatch(/^# \S/);
    }
    expect(lines).toContain('Authorize=');
    expect(lines).toContain('Brand=');
    expect(lines).toContain('Pipe=http://127.0.0.1:4318');
    expect(lines).toContain('OTLPEndpoint=http://127.0.0.1:4318');
  });
});
