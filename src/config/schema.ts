import { constants } from 'node:os';
import { variableNameProblem } from './variable-name.js';
import { types } from 'node:util';
// zod/mini: the same checks and messages as zod's classic API in a fifth of the bundled code, which `land up` parses
// before its first spawn (docs/decisions.md).
import * as z from 'zod/mini';
import { parseSize, sizeExpectation } from './size.js';
import { MAX_REPLICAS, MAX_TIER_NAME } from './limits.js';
import { RESERVED_RULE } from './reserved.js';
import { TIER_NAME_RULE, tierNameProblem } from './tier-name.js';
import { checkScheduledTier, scheduleSchema } from './schedule.js';

/*
 * Every message here starts with what was expected; `parseLandConfig` adds the file, the key path and what was given,
 * so each problem reads as one line: `land.config.ts: tiers.cocoon.ready.tcp: expected a port 1..65535, got "abc"`.
 */

const PROBE_KINDS = ['log', 'tcp', 'http', 'exec'] as const;
const SIGNALS = new Set(Object.keys(constants.signals));
const TIER_NAME_MESSAGE = `expected a tier name of ${TIER_NAME_RULE}`;
const RESERVED_TIER_MESSAGE = `expected a tier name ${RESERVED_RULE}`;

/** What a name that cannot be a tier's is told (tier-name.ts), undefined for one that can. */
function tierNameMessage(name: string): string | undefined {
  const problem = tierNameProblem(name);
  return problem === undefined ? undefined : problem === 'reserved' ? RESERVED_TIER_MESSAGE : TIER_NAME_MESSAGE;
}

/**
 * How an optional key's schema is made: `z.optional(z.lazy(build))`, with `build` run either the first time a config
 * gives the key a value (`lazy`: what land parses with) or at once (`eager`: only for test/config/schema-lazy.test.ts,
 * which parses the same inputs through both and compares). `land up` parses one config before its first spawn, and
 * building every sub-schema (probes, restart, watch, receiver…) cost more CPU than parsing a config that uses few of
 * them (docs/decisions.md, "Start-up, seventh pass"). A lazy schema adds no issue path and runs what it built, so
 * checks and messages are the built schema's. An absent key makes $ZodOptional read its inner schema's `optin` (is it
 * itself optional or defaulted?), which on a lazy schema builds it: `lazy` answers undefined instead, as every schema
 * given here answers (none is optional or defaulted: the test checks each), so an absent key builds nothing.
 */
type OptionalOf = <T extends z.core.$ZodType>(build: () => T) => z.ZodMiniOptional<z.ZodMiniLazy<T>>;

const lazyOptionalSchema: OptionalOf = (build) => {
  const inner = z.lazy(build);
  for (const key of ['optin', 'optout'] as const) Object.defineProperty(inner._zod, key, { value: undefined, writable: true, configurable: true });
  return z.optional(inner);
};

// The schema as it was before it was lazy (the test's reference); its type is the lazy one's for the same output.
const eagerOptional = (<T extends z.core.$ZodType>(build: () => T) => z.optional(build())) as unknown as OptionalOf;

function wholeNumber(what: string, min: number, max?: number) {
  const error = `expected ${what}`;
  const bounds = max === undefined ? [z.minimum(min, { error })] : [z.minimum(min, { error }), z.maximum(max, { error })];
  return z.int({ error }).check(...bounds);
}

const milliseconds = wholeNumber('a whole number of milliseconds > 0', 1);
const nonEmptyString = (what: string) => z.string({ error: `expected ${what}` }).check(z.minLength(1, { error: `expected ${what}` }));

function isArgv(value: unknown): value is string[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((part) => typeof part === 'string') &&
    (value[0] as string).length > 0
  );
}

const argv = z.custom<string[]>(isArgv, { error: 'expected a non-empty argv array of strings, e.g. ["node", "server.js"]' });

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    // The probe decodes user and password apart into a Basic header (src/supervisor/probes.ts): a bad escape in
    // either would throw there, even one that only decodes joined to the other (`%C3` + `%A9`).
    decodeURIComponent(url.username);
    decodeURIComponent(url.password);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** V8's reason a pattern does not compile (`Unterminated character class`), or undefined when it does. */
function regexProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
    return undefined;
  } catch (error) {
    return String((error as Error).message).replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
  }
}

/** A string pattern is compiled when the probe runs: refuse one that cannot compile now, not as a crash loop then. */
function checkRegex(pattern: string, ctx: z.core.$RefinementCtx): void {
  const problem = regexProblem(pattern);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `expected a valid regular expression (${problem})`, path: [] });
}

const probeFields = () => ({
  log: z.optional(
    z.union([z.string().check(z.superRefine(checkRegex)), z.instanceof(RegExp)], { error: 'expected a string or a RegExp to match in the log' }),
  ),
  tcp: z.optional(wholeNumber('a port 1..65535', 1, 65535)),
  host: z.optional(nonEmptyString('a host name')),
  http: z.optional(z.string({ error: 'expected an http(s) URL' }).check(z.refine(isHttpUrl, { error: 'expected an http(s) URL' }))),
  exec: z.optional(argv),
  timeoutMs: z.optional(milliseconds),
});

/** Exactly one probe kind per spec; `host` only goes with `tcp`. */
function checkProbeKind(probe: Record<string, unknown>, ctx: z.core.$RefinementCtx): void {
  const kinds = PROBE_KINDS.filter((kind) => probe[kind] !== undefined);
  if (kinds.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      message:
        kinds.length === 0
          ? 'expected exactly one of log, tcp, http, exec'
          : `expected exactly one of log, tcp, http, exec, not ${kinds.join(' and ')}`,
      path: [],
    });
  } else if (probe.host !== undefined && kinds[0] !== 'tcp') {
    ctx.addIssue({ code: 'custom', message: 'expected host only with a tcp probe', path: ['host'] });
  }
}

const probeError = { error: 'expected a probe object such as { tcp: 8080 } or { log: /listening/ }' };

const probeSchema = () => z.strictObject(probeFields(), probeError).check(z.superRefine(checkProbeKind));

const livenessSchema = () =>
  z
    .strictObject(
      {
        ...probeFields(),
        intervalMs: z.optional(milliseconds),
        failureThreshold: z.optional(wholeNumber('a whole number >= 1', 1)),
      },
      probeError,
    )
    .check(z.superRefine(checkProbeKind));

const restartSchema = () =>
  z
    .strictObject(
      {
        policy: z.optional(z.enum(['never', 'on-failure', 'always'], { error: 'expected never, on-failure or always' })),
        maxRestarts: z.optional(wholeNumber('a whole number >= 0', 0)),
        backoff: z.optional(
          z.strictObject(
            { initialMs: z.optional(milliseconds), maxMs: z.optional(milliseconds) },
            { error: 'expected an object { initialMs, maxMs }' },
          ),
        ),
        resetAfterMs: z.optional(milliseconds),
      },
      { error: 'expected an object { policy, maxRestarts, backoff, resetAfterMs }' },
    )
    .check(
      z.superRefine((restart, ctx) => {
        const { initialMs, maxMs } = restart.backoff ?? {};
        if (initialMs !== undefined && maxMs !== undefined && maxMs < initialMs) {
          ctx.addIssue({ code: 'custom', message: `expected at least initialMs (${initialMs})`, path: ['backoff', 'maxMs'] });
        }
      }),
    );

const stopSchema = () =>
  z.strictObject(
    {
      signal: z.optional(
        z.custom<NodeJS.Signals>((value) => typeof value === 'string' && SIGNALS.has(value), {
          error: 'expected a signal name such as SIGTERM, SIGINT or SIGHUP',
        }),
      ),
      timeoutMs: z.optional(milliseconds),
      command: z.optional(
        z.union([argv, z.string()], { error: 'expected a non-empty argv array of strings, or a string with shell: true' }),
      ),
    },
    { error: 'expected an object { signal, timeoutMs, command }' },
  );

/** What land watches of a tier's running tree (src/supervisor/memory-watch.ts). */
const limitsSchema = () =>
  z.strictObject(
    { memory: z.optional(z.custom<number | string>((value) => parseSize(value) !== undefined, { error: (issue) => `expected ${sizeExpectation(issue.input)}` })) },
    { error: 'expected an object { memory }' },
  );

const globList = () => z.array(nonEmptyString('a glob such as "src/**"'), { error: 'expected an array of globs such as ["src/**"]' });
const globs = () =>
  z.union([nonEmptyString('a glob such as "src/**"'), globList()], {
    error: 'expected a glob or an array of globs such as ["src/**"]',
  });

const watchSchema = () =>
  z.union(
    [
      nonEmptyString('a glob such as "src/**"'),
      globList(),
      z.strictObject(
        {
          paths: globs(),
          ignore: z.optional(globList()),
          debounceMs: z.optional(wholeNumber('a whole number of milliseconds >= 0', 0)),
          restartDependents: z.optional(z.boolean({ error: 'expected true or false' })),
        },
        { error: 'expected { paths, ignore, debounceMs, restartDependents }' },
      ),
    ],
    { error: 'expected a glob, an array of globs, or { paths, ignore, debounceMs, restartDependents }' },
  );

export { MAX_REPLICAS };

/** `{ 'A=B': 'x' }` reached the child as `A=B=x`, a variable `A` of value `B=x`: refused, named by its key. */
function checkVariableNames(env: Record<string, string>, ctx: z.core.$RefinementCtx): void {
  for (const name of Object.keys(env)) {
    const got = variableNameProblem(name);
    if (got !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'expected a variable name: not empty, without "=" or a NUL byte', path: [name], params: { got } });
    }
  }
}

const envRecord = () =>
  z
    .record(z.string(), z.string({ error: 'expected a string value' }), {
      error: 'expected an object of string values',
    })
    .check(z.superRefine(checkVariableNames));
const flag = z.boolean({ error: 'expected true or false' });
const tierName = () =>
  z
    .string({ error: TIER_NAME_MESSAGE })
    .check(
      z.refine((name) => !['long', 'characters'].includes(tierNameProblem(name) ?? ''), { error: TIER_NAME_MESSAGE }),
      z.refine((name) => tierNameProblem(name) !== 'reserved', { error: RESERVED_TIER_MESSAGE }),
    );

/** A string command is for a shell: it needs `shell: true` and something to run. So does a string stop command. */
function checkShellCommand(tier: { command: string | string[]; shell?: boolean; stop?: { command?: string | string[] } }, ctx: z.core.$RefinementCtx): void {
  const commands = [
    { value: tier.command, path: ['command'], what: 'command' },
    { value: tier.stop?.command, path: ['stop', 'command'], what: 'stop command' },
  ];
  for (const { value, path, what } of commands) {
    if (typeof value !== 'string') continue;
    if (tier.shell !== true) {
      ctx.addIssue({ code: 'custom', message: `expected an argv array; a string ${what} needs shell: true`, path });
    } else if (value.trim() === '') {
      ctx.addIssue({ code: 'custom', message: `expected a non-empty shell ${what === 'command' ? 'command' : 'stop command'}`, path });
    }
  }
}

const tierSchema = (lazyOptional: OptionalOf) =>
  z
    .strictObject(
      {
        command: z.union([argv, z.string()], {
          error: 'expected a non-empty argv array of strings, or a string with shell: true',
        }),
        shell: z.optional(flag),
        cwd: lazyOptional(() => nonEmptyString('a folder path')),
        env: lazyOptional(envRecord),
        envFiles: lazyOptional(() => z.array(nonEmptyString('a file path'), { error: 'expected an array of file paths' })),
        inheritEnv: z.optional(flag),
        telemetryEnv: z.optional(flag),
        allowEnv: lazyOptional(() => z.array(nonEmptyString('a variable name'), { error: 'expected an array of variable names' })),
        tier: lazyOptional(tierName),
        gate: lazyOptional(() =>
          z.union([nonEmptyString('a flag name'), z.array(nonEmptyString('a flag name'))], {
            error: 'expected a flag name or an array of flag names',
          }),
        ),
        when: lazyOptional(() =>
          // An async predicate returns a Promise, which the plan (decided before anything starts) cannot wait for.
          z.custom<(env: Readonly<Record<string, string>>) => boolean>((value) => typeof value === 'function' && !types.isAsyncFunction(value), {
            error: 'expected a function (env) => boolean; when cannot be async',
          }),
        ),
        dependsOn: lazyOptional(() =>
          z.record(z.string(), z.enum(['started', 'ready', 'completed'], { error: 'expected started, ready or completed' }), {
            error: 'expected an object { <tier>: "started" | "ready" | "completed" }',
          }),
        ),
        ready: lazyOptional(probeSchema),
        liveness: lazyOptional(livenessSchema),
        restart: lazyOptional(restartSchema),
        stop: lazyOptional(stopSchema),
        limits: lazyOptional(limitsSchema),
        description: lazyOptional(() => z.string({ error: 'expected a string' })),
        replicas: lazyOptional(() => wholeNumber(`a whole number 1..${MAX_REPLICAS}`, 1, MAX_REPLICAS)),
        port: lazyOptional(() => wholeNumber('a port 1..65535', 1, 65535)),
        watch: lazyOptional(watchSchema),
        exitWith: z.optional(flag),
        schedule: lazyOptional(scheduleSchema),
        stdin: z.optional(flag),
        daemon: lazyOptional(() =>
          z.union([flag, z.strictObject({ pidFile: nonEmptyString('a file path') }, { error: 'expected { pidFile }' })], {
            error: "expected true, false or { pidFile: 'path' }",
          }),
        ),
      },
      { error: 'expected a tier object with at least a command' },
    )
    .check(z.superRefine(checkShellCommand), z.superRefine(checkReplicaPorts), z.superRefine(checkScheduledTier));

/** Every replica's port (`port + n - 1`) must be a port too. */
function checkReplicaPorts(tier: { port?: number; replicas?: number }, ctx: z.core.$RefinementCtx): void {
  if (tier.port === undefined || tier.replicas === undefined) return;
  const last = tier.port + tier.replicas - 1;
  if (last > 65535) {
    ctx.addIssue({ code: 'custom', message: `expected a base port that leaves room for ${tier.replicas} replicas (the last would be ${last})`, path: ['port'] });
  }
}

/** At least one tier, each named so that it can live in event names, env values and file names. */
function checkTierNames(tiers: Record<string, unknown>, ctx: z.core.$RefinementCtx): void {
  const names = Object.keys(tiers);
  if (names.length === 0) ctx.addIssue({ code: 'custom', message: 'expected at least one tier', path: [] });
  for (const name of names) {
    const message = tierNameMessage(name);
    // A name too long is shown by its start and length (the key path names it whole already).
    const got = name.length > MAX_TIER_NAME ? `${JSON.stringify(`${name.slice(0, 20)}…`)} (${name.length} characters)` : JSON.stringify(name);
    if (message !== undefined) ctx.addIssue({ code: 'custom', message, path: [name], params: { got } });
  }
}

/** The stack's OTLP receiver (src/receiver): on by default on a free port. */
const receiverSchema = () =>
  z.strictObject(
    {
      enabled: z.optional(z.boolean({ error: 'expected true or false' })),
      port: z.optional(wholeNumber('a port 0..65535 (0: a free port)', 0, 65535)),
      maxBodyBytes: z.optional(wholeNumber('a whole number of bytes > 0', 1)),
      limits: z.optional(
        z.strictObject(
          {
            spans: z.optional(wholeNumber('a whole number > 0', 1)),
            logRecords: z.optional(wholeNumber('a whole number > 0', 1)),
            metricPoints: z.optional(wholeNumber('a whole number > 0', 1)),
          },
          { error: 'expected an object { spans, logRecords, metricPoints }' },
        ),
      ),
    },
    { error: 'expected an object { enabled, port, maxBodyBytes, limits }' },
  );

/** The config schema; `eager` builds every part now (for the test that compares it with the lazy one land uses). */
export function buildLandConfigSchema(how: 'lazy' | 'eager' = 'lazy') {
  const lazyOptional = how === 'lazy' ? lazyOptionalSchema : eagerOptional;
  return z.strictObject(
    {
      // Any name: at `land up` it only names telemetry, OTEL_SERVICE_NAME and LAND_APP. The engines' narrower rule is
      // `land check`'s warning and `land export`'s refusal (src/config/app-name.ts).
      app: lazyOptional(() => nonEmptyString('an application name')),
      version: lazyOptional(() => nonEmptyString('a version string')),
      envFiles: lazyOptional(() => z.array(nonEmptyString('a file path'), { error: 'expected an array of file paths' })),
      defaultProfile: lazyOptional(() => nonEmptyString('a profile name')),
      profilesDir: lazyOptional(() => nonEmptyString('a folder path')),
      tiers: z
        .record(z.string(), tierSchema(lazyOptional), { error: 'expected an object of tiers, e.g. { tiers: { api: { command: [...] } } }' })
        .check(z.superRefine(checkTierNames)),
      telemetry: lazyOptional(() =>
        z.strictObject({ rollupIntervalMs: z.optional(milliseconds) }, { error: 'expected an object { rollupIntervalMs }' }),
      ),
      dashboard: lazyOptional(() =>
        z.strictObject(
          { enabled: z.optional(flag), port: z.optional(wholeNumber('a port 0..65535 (0: any free port)', 0, 65535)) },
          { error: 'expected an object { enabled, port }' },
        ),
      ),
      logs: lazyOptional(() =>
        z.strictObject(
          { rotateBytes: z.optional(wholeNumber('a whole number of bytes >= 4096', 4096)), keepFiles: z.optional(wholeNumber('a whole number >= 0', 0)) },
          { error: 'expected an object { rotateBytes, keepFiles }' },
        ),
      ),
      keepBoots: lazyOptional(() => wholeNumber('a whole number of boots >= 1', 1)),
      receiver: lazyOptional(receiverSchema),
    },
    { error: 'expected the default export to be a config object: export default defineConfig({ tiers: { … } })' },
  );
}

export const landConfigSchema = buildLandConfigSchema();
