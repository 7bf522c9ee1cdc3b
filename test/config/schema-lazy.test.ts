// The config schema builds an optional key's schema the first time a config gives that key a value (schema.ts,
// lazyOptional). It must accept, return and refuse exactly what the schema built at once does, with the same issues.
import { describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import { parseLandConfig } from '../../src/config/config-issues.js';
import { buildLandConfigSchema } from '../../src/config/schema.js';

const tier = (extra: Record<string, unknown>) => ({ tiers: { cocoon: { command: ['node', 'cocoon.js'], ...extra } } });
const when = () => true;

/** Each lazy key with values it accepts and values it refuses, and the forms around it. */
const INPUTS: unknown[] = [
  undefined,
  null,
  42,
  [],
  {},
  { tiers: {} },
  tier({}),
  { ...tier({}), colour: 'red' },
  { app: 'demo', version: '1', envFiles: ['.env.Land'], defaultProfile: 'debug', profilesDir: 'profiles', ...tier({}) },
  { app: '', version: 3, envFiles: 'x', defaultProfile: [], profilesDir: null, ...tier({}) },
  { app: undefined, receiver: undefined, ...tier({ ready: undefined, watch: undefined }) },
  { ...tier({}), telemetry: { rollupIntervalMs: 1000 } },
  { ...tier({}), telemetry: { rollupIntervalMs: 0, other: 1 } },
  { ...tier({}), dashboard: { enabled: false, port: 0 } },
  { ...tier({}), dashboard: { port: 70000 } },
  { ...tier({}), logs: { rotateBytes: 4096, keepFiles: 0 } },
  { ...tier({}), logs: { rotateBytes: 10 } },
  { ...tier({}), keepBoots: 1 },
  { ...tier({}), keepBoots: 0.5 },
  { ...tier({}), receiver: { enabled: true, port: 4318, maxBodyBytes: 1, limits: { spans: 1, logRecords: 2, metricPoints: 3 } } },
  { ...tier({}), receiver: { limits: { spans: 0 } } },
  { ...tier({}), receiver: 'on' },
  tier({ cwd: 'sky', env: { A: '1' }, allowEnv: ['SSH_AUTH_SOCK'], tier: 'sky', gate: ['Render'], when, description: 'x' }),
  tier({ cwd: '', env: { A: 1 }, allowEnv: [''], tier: 'my tier', gate: [3], when: 'Spawn', description: 4 }),
  tier({ gate: 'Render', dependsOn: { mountain: 'ready' } }),
  tier({ dependsOn: { mountain: 'done' } }),
  tier({ ready: { log: /listening/ } }),
  tier({ ready: { tcp: 80, host: '127.0.0.1', timeoutMs: 5 } }),
  tier({ ready: { tcp: 80, log: 'x' } }),
  tier({ ready: { http: 'ftp://example.com/' } }),
  tier({ ready: { exec: ['true'] } }),
  tier({ ready: { exec: 'test -f x' } }),
  tier({ ready: {} }),
  tier({ liveness: { tcp: 8443, intervalMs: 10, failureThreshold: 3 } }),
  tier({ liveness: { log: 'ok', intervalMs: 0, failureThreshold: 0 } }),
  tier({ restart: { policy: 'always', maxRestarts: 0, backoff: { initialMs: 10, maxMs: 10 }, resetAfterMs: 5 } }),
  tier({ restart: { policy: 'sometimes', backoff: { initialMs: 10, maxMs: 5 } } }),
  tier({ restart: { polcy: 'never' } }),
  tier({ stop: { signal: 'SIGINT', timeoutMs: 10 } }),
  tier({ stop: { signal: 'SIGNOPE' } }),
  tier({ replicas: 2, port: 3000 }),
  tier({ replicas: 65, port: 0 }),
  tier({ replicas: 3, port: 65534 }),
  tier({ watch: 'src/**' }),
  tier({ watch: ['src/**', 'lib/**'] }),
  tier({ watch: { paths: 'src/**', ignore: ['dist/**'], debounceMs: 0, restartDependents: true } }),
  tier({ watch: { paths: [], debounceMs: -1, restartDependents: 'yes' } }),
  tier({ watch: { path: 'src/**' } }),
  tier({ watch: 3 }),
  { tiers: { a: { command: ['a'], ready: { tcp: 1 } }, b: { command: ['b'], ready: { tcp: 'x' } }, 'c d': { command: ['c'] } } },
];

const outcome = (schema: z.ZodMiniType, input: unknown) => {
  const result = schema.safeParse(input);
  return result.success ? { data: result.data } : { issues: result.error.issues };
};

describe('the lazily built config schema', () => {
  it('gives what the schema built at once gives, for each input on a fresh schema and all on one', () => {
    const eager = buildLandConfigSchema('eager');
    const shared = buildLandConfigSchema('lazy');
    for (const input of INPUTS) {
      const expected = outcome(eager, input);
      expect(outcome(buildLandConfigSchema('lazy'), input), JSON.stringify(input)).toEqual(expected);
      expect(outcome(shared, input), JSON.stringify(input)).toEqual(expected);
    }
    // Again, now that every part of the shared schema is built.
    for (const input of INPUTS) expect(outcome(shared, input)).toEqual(outcome(eager, input));
  });

  it('answers an absent key as every schema it defers would (none is optional or defaulted itself)', () => {
    // The lazy schema answers `optin`/`optout` undefined without building: true of each schema it builds.
    const objects = (schema: z.core.$ZodType): z.core.$ZodType[] => {
      const def = schema._zod.def as unknown as { type: string; shape?: Record<string, z.core.$ZodType>; valueType?: z.core.$ZodType };
      if (def.type === 'object') return [schema, ...Object.values(def.shape!).flatMap(objects)];
      if (def.type === 'record') return objects(def.valueType!);
      if (def.type === 'optional') return objects((def as unknown as z.core.$ZodOptionalDef).innerType);
      return [];
    };
    const eager = objects(buildLandConfigSchema('eager'));
    const optionals = eager.flatMap((object) => Object.values((object._zod.def as z.core.$ZodObjectDef).shape)).filter((field) => field._zod.def.type === 'optional');
    expect(optionals.length).toBeGreaterThan(20);
    for (const field of optionals) {
      const inner = (field._zod.def as z.core.$ZodOptionalDef).innerType;
      expect([inner._zod.optin, inner._zod.optout]).toEqual([undefined, undefined]);
    }
  });

  it('builds nothing for keys a config leaves out', () => {
    const schema = buildLandConfigSchema('lazy');
    expect(schema.safeParse(tier({ ready: { tcp: 80 } })).success).toBe(true);
    const built = (field: z.core.$ZodType) => {
      const lazy = (field._zod.def as z.core.$ZodOptionalDef).innerType;
      return (lazy._zod.def as unknown as { _cachedInner?: unknown })._cachedInner !== undefined;
    };
    const top = schema._zod.def.shape;
    const tierShape = ((top.tiers._zod.def as z.core.$ZodRecordDef).valueType._zod.def as z.core.$ZodObjectDef).shape;
    expect(built(top.receiver)).toBe(false);
    expect(built(tierShape.restart!)).toBe(false);
    expect(built(tierShape.watch!)).toBe(false);
    expect(built(tierShape.ready!)).toBe(true);
  });

  it('suggests a key under a lazily built one, as under any other', () => {
    expect(() => parseLandConfig(tier({ restart: { polcy: 'never' } }), 'land.config.ts')).toThrow(
      'land.config.ts: tiers.cocoon.restart: unknown key "polcy": did you mean "policy"?',
    );
    expect(() => parseLandConfig({ ...tier({}), receiver: { limits: { span: 1 } } }, 'land.config.ts')).toThrow(
      'land.config.ts: receiver.limits: unknown key "span": did you mean "spans"?',
    );
  });
});
