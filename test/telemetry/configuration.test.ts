import { inspect } from 'node:util';
import { userInfo } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_BEAM,
  DEFAULT_OTLP_ENDPOINT,
  distinctId,
  otlpGate,
  postHogGate,
  processConfiguration,
  readConfiguration,
  recordGate,
  resetConfigurationCache,
} from '../../src/telemetry/index.js';

const KEY = 'phc_configuration_secret_0123456789';
const ALL_ON = { Authorize: KEY, Capture: 'true', Report: 'true', OTLPEnabled: 'true', Record: '1' };

describe('reading the keys', () => {
  it('has the documented defaults', () => {
    const config = readConfiguration({});
    expect(config.beam).toBe(DEFAULT_BEAM);
    expect(config.otlpEndpoint).toBe(DEFAULT_OTLP_ENDPOINT);
    expect(config.capture).toBe(false);
    expect(config.report).toBe(false);
    expect(config.otlpEnabled).toBe(false);
    expect(config.record).toBe(false);
    expect(config.buffer).toBe(1000);
    expect(config.mode).not.toBe('release');
  });

  it('follows the boolean rule: empty is the default, false/0/off/no in any case are false, anything else true', () => {
    expect(readConfiguration({ Capture: '' }).capture).toBe(false);
    for (const word of ['false', 'FALSE', '0', 'off', 'No']) expect(readConfiguration({ Capture: word }).capture).toBe(false);
    for (const word of ['true', '1', 'yes', 'on', 'anything']) expect(readConfiguration({ Capture: word }).capture).toBe(true);
  });

  it('accepts both spellings of the renamed keys', () => {
    expect(readConfiguration({ OTLPEnabled: 'true' }).otlpEnabled).toBe(true);
    expect(readConfiguration({ Emit: 'true' }).otlpEnabled).toBe(true);
    expect(readConfiguration({ OTLPEndpoint: 'http://a:1' }).otlpEndpoint).toBe('http://a:1');
    expect(readConfiguration({ Pipe: 'http://b:2/' }).otlpEndpoint).toBe('http://b:2');
  });

  it('reads Buffer, Brand, Beam and the build mode from either key', () => {
    const config = readConfiguration({ Buffer: '25', Brand: 'me', Beam: 'http://ph.local/', Mode: 'Release' });
    expect(config.buffer).toBe(25);
    expect(config.brand).toBe('me');
    expect(config.beam).toBe('http://ph.local');
    expect(config.release).toBe(true);
    expect(readConfiguration({ LAND_BUILD_MODE: 'release' }).release).toBe(true);
    expect(readConfiguration({ Buffer: 'lots' }).buffer).toBe(1000);
  });

  describe('the per-process cache', () => {
    afterEach(() => {
      delete process.env.Capture;
      resetConfigurationCache();
    });
    it('reads process.env once until reset', () => {
      delete process.env.Capture;
      resetConfigurationCache();
      expect(processConfiguration().capture).toBe(false);
      process.env.Capture = 'true';
      expect(processConfiguration().capture).toBe(false);
      expect(readConfiguration().capture).toBe(false);
      resetConfigurationCache();
      expect(processConfiguration().capture).toBe(true);
    });
  });
});

describe('gates', () => {
  const cases: Array<[string, Record<string, string>, boolean, boolean, RegExp | undefined, RegExp | undefined]> = [
    ['everything on', ALL_ON, true, true, undefined, undefined],
    ['Capture off closes both pipes', { ...ALL_ON, Capture: 'false' }, false, false, /Capture/, /Capture/],
    ['Capture unset closes both pipes', { Authorize: KEY, Report: '1', OTLPEnabled: '1' }, false, false, /Capture/, /Capture/],
    ['Report off closes PostHog only', { ...ALL_ON, Report: 'off' }, false, true, /Report/, undefined],
    ['OTLPEnabled off closes OTLP only', { ...ALL_ON, OTLPEnabled: '0' }, true, false, undefined, /OTLPEnabled/],
    ['Emit (the new name) off closes OTLP', { Authorize: KEY, Capture: '1', Report: '1', Emit: 'no' }, true, false, undefined, /OTLP/],
    ['an empty Authorize closes PostHog', { ...ALL_ON, Authorize: '  ' }, false, true, /Authorize/, undefined],
    ['a release build closes everything', { ...ALL_ON, Mode: 'release' }, false, false, /release/, /release/],
  ];
  it.each(cases)('%s', (_name, env, posthog, otlp, posthogReason, otlpReason) => {
    const config = readConfiguration(env);
    const ph = postHogGate(config);
    const ot = otlpGate(config);
    expect(ph.allowed).toBe(posthog);
    expect(ot.allowed).toBe(otlp);
    if (posthogReason) expect(ph.reason).toMatch(posthogReason);
    if (otlpReason) expect(ot.reason).toMatch(otlpReason);
  });

  it('records with Record=1 alone, and never in a release build', () => {
    expect(recordGate(readConfiguration({ Record: '1' })).allowed).toBe(true);
    expect(recordGate(readConfiguration({ Record: '0' })).allowed).toBe(false);
    expect(recordGate(readConfiguration({ Record: '1', LAND_BUILD_MODE: 'release' })).allowed).toBe(false);
  });
});

describe('the API key', () => {
  it('is available to the client but absent from every printable form of the configuration', () => {
    const config = readConfiguration(ALL_ON);
    expect(config.authorize).toBe(KEY);
    const printed = [
      JSON.stringify(config),
      JSON.stringify({ nested: config }),
      inspect(config),
      inspect({ nested: config }, { depth: 5, showHidden: true }),
      String(config),
      `${config}`,
      Object.keys(config).join(','),
    ];
    for (const text of printed) expect(text).not.toContain(KEY);
    expect(JSON.stringify(config)).toContain('[redacted]');
  });

  it('never appears in a gate reason', () => {
    for (const env of [{ ...ALL_ON, Capture: '0' }, { ...ALL_ON, Report: '0' }, { ...ALL_ON, Mode: 'release' }]) {
      const config = readConfiguration(env);
      expect(JSON.stringify([postHogGate(config), otlpGate(config), recordGate(config)])).not.toContain(KEY);
    }
  });
});

describe('distinct id', () => {
  it('is Brand when set', () => {
    expect(distinctId(readConfiguration({ Brand: 'team-land' }))).toBe('team-land');
  });
  it('is land-dev-<os user> otherwise, without the hostname', () => {
    expect(distinctId(readConfiguration({}))).toBe(`land-dev-${userInfo().username}`);
  });
});
