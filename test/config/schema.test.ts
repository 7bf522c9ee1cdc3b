import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { parseLandConfig } from '../../src/config/config-issues.js';
import { resolveConfig } from '../../src/config/resolve.js';

const tier = (extra: Record<string, unknown>) => ({ tiers: { cocoon: { command: ['node', 'cocoon.js'], ...extra } } });

function errorOf(input: unknown): InputError {
  try {
    parseLandConfig(input, 'land.config.ts');
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected the config to be rejected');
}

describe('parseLandConfig', () => {
  it('accepts a full config and keeps functions and RegExps as given', () => {
    const when = () => true;
    const pattern = /listening on (\d+)/;
    const config = parseLandConfig(
      {
        app: 'demo',
        version: '1.2.3',
        envFiles: ['.env.Land'],
        defaultProfile: 'debug',
        profilesDir: 'profiles',
        telemetry: { rollupIntervalMs: 1000 },
        tiers: {
          kernel: { command: ['node', 'm.js'], ready: { log: pattern }, when },
          sky: {
            command: 'node sky.js | tee sky.log',
            shell: true,
            cwd: 'sky',
            env: { A: '1' },
            inheritEnv: false,
            allowEnv: ['SSH_AUTH_SOCK'],
            tier: 'sky',
            gate: ['Render'],
            dependsOn: { kernel: 'ready' },
            ready: { http: 'https://127.0.0.1:8443/health', timeoutMs: 100 },
            liveness: { tcp: 8443, host: '127.0.0.1', intervalMs: 10, failureThreshold: 3 },
            restart: { policy: 'always', maxRestarts: 0, backoff: { initialMs: 10, maxMs: 10 }, resetAfterMs: 5 },
            stop: { signal: 'SIGINT', timeoutMs: 10 },
            description: 'renderer',
          },
          air: { command: ['air'], ready: { exec: ['true'] }, liveness: { log: 'ok' } },
        },
      },
      'land.config.ts',
    );
    expect(config.tiers.kernel!.when).toBe(when);
    expect(config.tiers.kernel!.ready).toEqual({ log: pattern });
    expect(config.tiers.sky!.stop?.signal).toBe('SIGINT');
  });

  // Each message: one line, the file, the key path, what was expected and what was given.
  it.each([
    [undefined, 'land.config.ts: expected the default export to be a config object: export default defineConfig({ tiers: { … } }), got nothing'],
    [{ tiers: {} }, 'land.config.ts: tiers: expected at least one tier, got {}'],
    [{ tier: {} }, 'land.config.ts: unknown key "tier": did you mean "tiers"? (and 1 more problem)'],
    [{ ...tier({}), colour: 'red' }, 'land.config.ts: unknown key "colour": expected one of app, version, envFiles, defaultProfile, profilesDir, tiers, telemetry, dashboard, logs, keepBoots, receiver'],
    [tier({ comand: ['x'] }), 'land.config.ts: tiers.cocoon: unknown key "comand": did you mean "command"?'],
    [{ tiers: { cocoon: { command: 'node cocoon.js' } } }, 'land.config.ts: tiers.cocoon.command: expected an argv array; a string command needs shell: true, got "node cocoon.js"'],
    [{ tiers: { cocoon: { command: [] } } }, 'land.config.ts: tiers.cocoon.command: expected a non-empty argv array of strings, or a string with shell: true, got []'],
    [{ tiers: { cocoon: { command: ['node', 3] } } }, 'land.config.ts: tiers.cocoon.command: expected a non-empty argv array of strings, or a string with shell: true, got ["node",3]'],
    [{ tiers: { cocoon: { command: ' ', shell: true } } }, 'land.config.ts: tiers.cocoon.command: expected a non-empty shell command, got " "'],
    [tier({ ready: { tcp: 'abc' } }), 'land.config.ts: tiers.cocoon.ready.tcp: expected a port 1..65535, got "abc"'],
    [tier({ ready: { tcp: 70000 } }), 'land.config.ts: tiers.cocoon.ready.tcp: expected a port 1..65535, got 70000'],
    [tier({ ready: { tcp: 80, log: 'x' } }), 'land.config.ts: tiers.cocoon.ready: expected exactly one of log, tcp, http, exec, not log and tcp, got {"tcp":80,"log":"x"}'],
    [tier({ ready: { timeoutMs: 5 } }), 'land.config.ts: tiers.cocoon.ready: expected exactly one of log, tcp, http, exec, got {"timeoutMs":5}'],
    [tier({ ready: { http: 'ftp://example.com/' } }), 'land.config.ts: tiers.cocoon.ready.http: expected an http(s) URL, got "ftp://example.com/"'],
    [tier({ ready: { http: 'http://user:%E0%A4@127.0.0.1/' } }), 'land.config.ts: tiers.cocoon.ready.http: expected an http(s) URL, got "http://user:***@127.0.0.1/"'],
    // Each half decodes alone in the probe: `%C3` + `%A9` together are é, apart they are malformed.
    [tier({ ready: { http: 'http://%C3:%A9@127.0.0.1/' } }), 'land.config.ts: tiers.cocoon.ready.http: expected an http(s) URL, got "http://%C3:***@127.0.0.1/"'],
    [tier({ ready: { exec: 'test -f x' } }), 'land.config.ts: tiers.cocoon.ready.exec: expected a non-empty argv array of strings, e.g. ["node", "server.js"], got "test -f x"'],
    [tier({ ready: { log: 42 } }), 'land.config.ts: tiers.cocoon.ready.log: expected a string or a RegExp to match in the log, got 42'],
    [tier({ ready: { log: 'x', host: 'h' } }), 'land.config.ts: tiers.cocoon.ready.host: expected host only with a tcp probe, got "h"'],
    [tier({ liveness: { tcp: 80, intervalMs: 0 } }), 'land.config.ts: tiers.cocoon.liveness.intervalMs: expected a whole number of milliseconds > 0, got 0'],
    [tier({ restart: { policy: 'sometimes' } }), 'land.config.ts: tiers.cocoon.restart.policy: expected never, on-failure or always, got "sometimes"'],
    [tier({ restart: { backoff: { initialMs: 10, maxMs: 5 } } }), 'land.config.ts: tiers.cocoon.restart.backoff.maxMs: expected at least initialMs (10), got 5'],
    [tier({ stop: { signal: 'SIGNOPE' } }), 'land.config.ts: tiers.cocoon.stop.signal: expected a signal name such as SIGTERM, SIGINT or SIGHUP, got "SIGNOPE"'],
    [tier({ dependsOn: { mountain: 'done' } }), 'land.config.ts: tiers.cocoon.dependsOn.mountain: expected started, ready or completed, got "done"'],
    [tier({ env: { PORT: 8080 } }), 'land.config.ts: tiers.cocoon.env.PORT: expected a string value, got 8080'],
    [tier({ when: 'Spawn' }), 'land.config.ts: tiers.cocoon.when: expected a function (env) => boolean; when cannot be async, got "Spawn"'],
    [{ tiers: { 'my tier': { command: ['x'] } } }, 'land.config.ts: tiers["my tier"]: expected a tier name of letters, digits, - and _ (starting with a letter or digit, at most 63 characters), got "my tier"'],
    [{ tiers: { [`a${'b'.repeat(63)}`]: { command: ['x'] } } }, `land.config.ts: tiers.a${'b'.repeat(63)}: expected a tier name of letters, digits, - and _ (starting with a letter or digit, at most 63 characters), got "a${'b'.repeat(19)}…" (64 characters)`],
    [tier({ tier: 'x'.repeat(64) }), `land.config.ts: tiers.cocoon.tier: expected a tier name of letters, digits, - and _ (starting with a letter or digit, at most 63 characters), got "${'x'.repeat(57)}..."`],
    [tier({ limits: { memory: 512 } }), 'land.config.ts: tiers.cocoon.limits.memory: expected a size of at least 1M: a whole number of bytes, or a string such as "512M" (K, M, G, T: powers of 1024), got 512'],
    [tier({ limits: { memory: '2000000ib' } }), 'land.config.ts: tiers.cocoon.limits.memory: expected a size of at least 1M: a whole number of bytes, or a string such as "512M" (K, M, G, T: powers of 1024), got "2000000ib"'],
    [tier({ limits: { memory: '9000T' } }), 'land.config.ts: tiers.cocoon.limits.memory: expected a size under 8192T (2^53 bytes, the largest a number holds exactly), got "9000T"'],
    [tier({ limits: { memory: 2 ** 60 } }), 'land.config.ts: tiers.cocoon.limits.memory: expected a size under 8192T (2^53 bytes, the largest a number holds exactly), got 1152921504606847000'],
    [tier({ limits: { memory: '-5M' } }), 'land.config.ts: tiers.cocoon.limits.memory: expected a size of at least 1M: a whole number of bytes, or a string such as "512M" (K, M, G, T: powers of 1024), got "-5M"'],
    [tier({ limits: '512M' }), 'land.config.ts: tiers.cocoon.limits: expected an object { memory }, got "512M"'],
    [tier({ limits: { memroy: '512M' } }), 'land.config.ts: tiers.cocoon.limits: unknown key "memroy": did you mean "memory"?'],
    [tier({ ready: { log: '[unclosed' } }), 'land.config.ts: tiers.cocoon.ready.log: expected a valid regular expression (Unterminated character class), got "[unclosed"'],
    [tier({ liveness: { log: 'a(b' } }), 'land.config.ts: tiers.cocoon.liveness.log: expected a valid regular expression (Unterminated group), got "a(b"'],
    [{ tiers: { mountain: { command: ['x'] } } }, "land.config.ts: tiers.mountain: expected a tier name other than mountain, echo, mist (land's own names in its events and state lines), got \"mountain\""],
    [{ tiers: { echo: { command: ['x'] } } }, "land.config.ts: tiers.echo: expected a tier name other than mountain, echo, mist (land's own names in its events and state lines), got \"echo\""],
    [tier({ tier: 'mist' }), "land.config.ts: tiers.cocoon.tier: expected a tier name other than mountain, echo, mist (land's own names in its events and state lines), got \"mist\""],
  ])('rejects %j', (input, message) => {
    const error = errorOf(input);
    expect(error.message).toBe(message);
    expect(error.message).not.toContain('\n');
    expect(error.exitCode).toBe(2);
  });

  it('reads sizes as bytes, in powers of 1024', () => {
    const memoryOf = (memory: unknown) => resolveConfig(parseLandConfig(tier({ limits: { memory } }), 'f'), '/p/land.config.ts', 'f').tiers[0]!.limits;
    expect(memoryOf('512M')).toEqual({ memory: 512 * 1024 ** 2 });
    expect(memoryOf('1.5g')).toEqual({ memory: 1.5 * 1024 ** 3 });
    expect(memoryOf('2048 KiB')).toEqual({ memory: 2048 * 1024 });
    expect(memoryOf('64MB')).toEqual({ memory: 64 * 1024 ** 2 });
    expect(memoryOf(1024 ** 2)).toEqual({ memory: 1024 ** 2 });
    expect(memoryOf('512Mi')).toEqual({ memory: 512 * 1024 ** 2 });
    expect(memoryOf('2Gi')).toEqual({ memory: 2 * 1024 ** 3 });
    expect(memoryOf('4096Ki')).toEqual({ memory: 4096 * 1024 });
    expect(memoryOf('1.5T')).toEqual({ memory: 1.5 * 1024 ** 4 });
    expect(memoryOf('1Ti')).toEqual({ memory: 1024 ** 4 });
    expect(memoryOf('1TiB')).toEqual({ memory: 1024 ** 4 });
    expect(memoryOf('2097152B')).toEqual({ memory: 2 * 1024 ** 2 });
    expect(resolveConfig(parseLandConfig(tier({}), 'f'), '/p/land.config.ts', 'f').tiers[0]!.limits).toBeUndefined();
  });

  it('accepts every signal name the platform knows, and only those', () => {
    expect(() => parseLandConfig(tier({ stop: { signal: 'SIGUSR2' } }), 'f')).not.toThrow();
    expect(errorOf(tier({ stop: { signal: 'sigterm' } })).message).toContain('tiers.cocoon.stop.signal');
  });
});

describe('parseLandConfig keeps secrets out of its messages', () => {
  it.each([
    [tier({ env: { Authorize: 12345 } }), 'land.config.ts: tiers.cocoon.env.Authorize: expected a string value, got (hidden: it may be a secret)'],
    [tier({ ready: { http: 'phc_abcdef0123456789' } }), 'land.config.ts: tiers.cocoon.ready.http: expected an http(s) URL, got (hidden: it may be a secret)'],
    [tier({ ready: { log: 'x', tcp: 'phc_abcdef0123456789' } }), 'land.config.ts: tiers.cocoon.ready.tcp: expected a port 1..65535, got (hidden: it may be a secret)'],
  ])('%j', (input, message) => {
    expect(errorOf(input).message).toBe(message);
  });

  it('hides secret-looking values inside an object it shows', () => {
    const message = errorOf({ tiers: { cocoon: { command: ['x'], ready: { tcp: 1, log: 'phc_abcdef0123456789' } } } }).message;
    expect(message).not.toContain('phc_abcdef');
    expect(message).toContain('ready: expected exactly one of log, tcp, http, exec, not log and tcp');
  });
});
