/**
 * Bad input in bulk: malformed configs, profiles, env files, command lines and control-client calls, each expecting
 * its one line (`land: …`), its documented exit code (2 bad input, 3 no stack running: src/control/exit-codes.ts)
 * and nothing started. Trace context from outside (TRACEPARENT, TRACESTATE, BAGGAGE) that is not valid is its own
 * kind: each bad variable is reported in one line and dropped, the boot goes on (exit 0).
 *
 * Each rejected `land up` costs about a second of CPU (it loads telemetry, supervisor and control before the
 * config), so the table keeps one case per kind of rule rather than every variant (test/cli and test/config hold
 * more).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, child, envReports, expectCleanRejection, land, landDone, makeProject, markedProcesses, removeProjects, type LandRun } from '../helpers/land.js';
import { cleanUp } from '../control/helpers.js';

const runs: LandRun[] = [];
afterAll(async () => {
  await cleanUp(runs);
  removeProjects();
});

/** A tier that would leave a mark if it were ever started. */
const marker = { command: child('--touch', 'started.flag') };
const tiers = (extra: Record<string, unknown>) => ({ tiers: { a: { ...marker, ...extra } } });

type Kind = 'config' | 'profile' | 'env file' | 'command line' | 'control client';

interface BadInput {
  kind: Kind;
  name: string;
  /** The land command line (default: up --no-tui). */
  args?: string[];
  config?: Record<string, unknown>;
  /** Source of land.config.mjs as is (when the config cannot be written as JSON). */
  source?: string;
  profiles?: Record<string, string>;
  files?: Record<string, string>;
  prepare?: (dir: string) => void;
  /** Default 2 (bad input). */
  code?: number;
  expected: RegExp;
}

const UP = ['up', '--no-tui'];

const cases: BadInput[] = [
  // Config: the file itself.
  { kind: 'config', name: 'no config file', prepare: (dir) => rmSync(join(dir, 'land.config.mjs')), expected: /land\.config\.ts/ },
  { kind: 'config', name: 'a config that does not parse', source: 'export default {', expected: /land\.config\.mjs: failed to load/ },
  { kind: 'config', name: 'no default export', source: 'export const x = 1;\n', expected: /land\.config\.mjs: expected the default export to be a config object.*got nothing/ },
  { kind: 'config', name: '--config with an unsupported extension', args: [...UP, '--config', 'c.json'], files: { 'c.json': '{}' }, expected: /c\.json: expected a \.ts, \.mts, \.js or \.mjs config file/ },
  // Config: the shape.
  { kind: 'config', name: 'an empty tiers object', config: { tiers: {} }, expected: /tiers: expected at least one tier/ },
  { kind: 'config', name: 'a misspelt top-level key', config: { tier: { a: marker } }, expected: /unknown key "tier": did you mean "tiers"\?/ },
  { kind: 'config', name: 'a misspelt tier key', config: tiers({ comand: ['x'] }), expected: /tiers\.a: unknown key "comand": did you mean "command"\?/ },
  { kind: 'config', name: 'a string command without shell', config: tiers({ command: 'node -e 0' }), expected: /tiers\.a\.command: expected an argv array; a string command needs shell: true/ },
  { kind: 'config', name: 'a tier name with a space', config: { tiers: { 'a b': marker } }, expected: /tiers\["a b"\]: expected a tier name of letters, digits/ },
  { kind: 'config', name: 'an env value that is a number', config: tiers({ env: { PORT: 8080 } }), expected: /tiers\.a\.env\.PORT: expected a string value, got 8080/ },
  { kind: 'config', name: 'an unknown tier in dependsOn', config: tiers({ dependsOn: { ghost: 'ready' } }), expected: /tiers\.a\.dependsOn\.ghost: expected the name of a tier \(a\), got unknown tier "ghost"/ },
  { kind: 'config', name: 'a dependency cycle', config: { tiers: { a: { ...marker, dependsOn: { b: 'ready' } }, b: { ...marker, dependsOn: { a: 'started' } } } }, expected: /expected no dependency cycle, got (a -> b -> a|b -> a -> b)/ },
  { kind: 'config', name: 'a tcp probe on "abc"', config: tiers({ ready: { tcp: 'abc' } }), expected: /tiers\.a\.ready\.tcp: expected a port 1\.\.65535, got "abc"/ },
  { kind: 'config', name: 'a probe of two kinds', config: tiers({ ready: { tcp: 80, http: 'http://x/' } }), expected: /tiers\.a\.ready: expected exactly one of log, tcp, http, exec, not tcp and http/ },
  { kind: 'config', name: 'a backoff cap below its start', config: tiers({ restart: { backoff: { initialMs: 500, maxMs: 100 } } }), expected: /tiers\.a\.restart\.backoff\.maxMs: expected at least initialMs \(500\)/ },
  { kind: 'config', name: 'an unknown stop signal', config: tiers({ stop: { signal: 'SIGFOO' } }), expected: /tiers\.a\.stop\.signal: expected a signal name/ },
  { kind: 'config', name: 'a dashboard port that is not a number', config: { ...tiers({}), dashboard: { port: 'abc' } }, expected: /dashboard\.port: expected a port 0\.\.65535 \(0: any free port\), got "abc"/ },
  { kind: 'config', name: 'a misspelt dashboard key', config: { ...tiers({}), dashboard: { enable: false } }, expected: /dashboard: unknown key "enable": did you mean "enabled"\?/ },
  // Config: what preflight finds before anything starts.
  { kind: 'config', name: 'a command not on PATH', config: { tiers: { a: marker, b: { command: ['no-such-command-anywhere'] } } }, expected: /tiers\.b\.command: expected an executable, "no-such-command-anywhere" was not found on PATH/ },
  { kind: 'config', name: 'a command that is not executable', config: tiers({ command: ['./notes.txt'] }), files: { 'notes.txt': 'hi\n' }, expected: /tiers\.a\.command: expected an executable, "\.\/notes\.txt" in .* is not executable \(chmod \+x it/ },
  { kind: 'config', name: 'a cwd that does not exist', config: { tiers: { a: marker, b: { ...marker, cwd: 'missing-folder' } } }, expected: /tiers\.b\.cwd: expected an existing folder, got ".*missing-folder"/ },
  // Profiles.
  { kind: 'profile', name: 'an unknown profile', args: [...UP, '--profile', 'nope'], expected: /unknown profile "nope" \(known profiles: debug\)/ },
  { kind: 'profile', name: 'a line without =', profiles: { debug: 'GOOD=1\noops\n' }, expected: /profiles\/debug\.env:2: expected KEY=value, got "oops"/ },
  { kind: 'profile', name: 'an unterminated quote', profiles: { debug: 'A="open\n' }, expected: /profiles\/debug\.env:1: unterminated " quote in A/ },
  // Env files.
  { kind: 'env file', name: 'a malformed .env.Land', files: { '.env.Land': 'A=1\n"unterminated\n' }, expected: /\.env\.Land:2: / },
  { kind: 'env file', name: 'a malformed .env.Land.PostHog line holding the key', files: { '.env.Land.PostHog': 'Capture=true\nAuthorize phc_abcdefghijklmnop12345\n' }, expected: /\.env\.Land\.PostHog:2: expected KEY=value, got "Authorize …" \(hidden/ },
  // Command lines (rejected by the parser, before any config is read).
  { kind: 'command line', name: 'an unknown command', args: ['upp'], expected: /unknown command 'upp' \(did you mean up\?\)/ },
  { kind: 'command line', name: 'an unknown flag', args: [...UP, '--bogus'], expected: /unknown option '--bogus'/ },
  { kind: 'command line', name: 'a misspelt flag', args: [...UP, '--profil', 'debug'], expected: /unknown option '--profil' \(did you mean --profile\?\)/ },
  { kind: 'command line', name: 'a flag without its value', args: [...UP, '--profile'], expected: /option '-p, --profile <name>' argument missing/ },
  { kind: 'command line', name: 'a control port that is not a number', args: [...UP, '--control-port', 'abc'], expected: /--control-port <port>' argument 'abc' is invalid\. expected a TCP port/ },
  { kind: 'command line', name: 'a control port above 65535', args: [...UP, '--control-port', '70000'], expected: /argument '70000' is invalid\. expected a TCP port/ },
  { kind: 'command line', name: 'a dashboard port that is not a number', args: [...UP, '--dashboard-port', 'abc'], expected: /--dashboard-port <port>' argument 'abc' is invalid\. expected a TCP port/ },
  { kind: 'command line', name: 'logs -n that is not a number', args: ['logs', 'a', '-n', 'abc'], expected: /--lines: expected a whole number ≥ 0, got "abc"/ },
  { kind: 'command line', name: 'logs -n that is negative', args: ['logs', 'a', '-f', '-n', '-1'], expected: /--lines: expected a whole number ≥ 0, got "-1"/ },
  { kind: 'command line', name: 'stop without a tier', args: ['stop'], expected: /missing required argument 'tiers'/ },
  { kind: 'command line', name: 'spawn without a tier', args: ['spawn'], expected: /missing required argument 'tier'/ },
  { kind: 'command line', name: 'status with an unknown flag', args: ['status', 'web', '--every'], expected: /unknown option '--every'/ },
  { kind: 'command line', name: 'trace with two boot ids', args: ['trace', 'a', 'b'], expected: /too many arguments for 'trace'/ },
  { kind: 'command line', name: 'an unknown flag to down', args: ['down', '--bogus'], expected: /unknown option '--bogus'/ },
  // -v/--version is land's own (before the command); no command has -v, and land has no verbose flag.
  { kind: 'command line', name: 'up -v', args: [...UP, '-v'], expected: /^land: up: unknown option '-v' \(land has no verbose flag; `land -v` prints land's version\)$/ },
  { kind: 'command line', name: 'up --version', args: [...UP, '--version'], expected: /^land: up: unknown option '--version' \(`land --version` prints land's version\)$/ },
  { kind: 'command line', name: 'logs --verbose', args: ['logs', 'a', '--verbose'], expected: /^land: logs: unknown option '--verbose' \(land has no verbose flag\)$/ },
  { kind: 'command line', name: '-V', args: ['-V'], expected: /^land: unknown option '-V' \(`land -v` prints land's version\)$/ },
  { kind: 'command line', name: 'an unknown flag to profiles', args: ['profiles', '--bogus'], expected: /unknown option '--bogus'/ },
  { kind: 'command line', name: 'export to an unknown engine', args: ['export', 'nomad'], expected: /'nomad' is invalid for argument 'engine'\. Allowed choices are systemd, compose, kubernetes, supervisord/ },
  { kind: 'profile', name: 'export under an unknown profile', args: ['export', 'compose', '--profile', 'nope'], expected: /unknown profile "nope" \(known profiles: debug\)/ },
  { kind: 'command line', name: 'logs --boot of a boot that never ran', args: ['logs', 'a', '--boot', 'nope'], expected: /--boot: no logs for boot "nope" under \.land\/logs \(latest boots: none yet\)/ },
  // A Procfile project (no land config): foreman's file and formation.
  ...([
    { name: 'a Procfile line without a colon', procfile: 'web node server.js\n', args: UP, expected: /^land: Procfile:1: expected <process type>: <command>/ },
    { name: 'a Procfile with a type defined twice', procfile: `web: ${marker.command.join(' ')}\nweb: x\n`, args: UP, expected: /Procfile:2: process type "web" is already defined above/ },
    { name: 'a formation naming an unknown process type', procfile: `web: ${marker.command.join(' ')}\n`, args: [...UP, '-m', 'wbe=2'], expected: /-m\/--formation: unknown process type "wbe" \(the Procfile has web/ },
    { name: 'a formation that runs nothing', procfile: `web: ${marker.command.join(' ')}\n`, args: [...UP, '-m', 'all=0'], expected: /-m\/--formation: expected at least one process to run, got all=0/ },
  ] as const).map(
    ({ name, procfile, args, expected }): BadInput => ({
      kind: 'config',
      name,
      args: [...args],
      prepare: (dir) => {
        rmSync(join(dir, 'land.config.mjs'));
        writeFileSync(join(dir, 'Procfile'), procfile);
      },
      expected,
    }),
  ),
  // Control clients with no stack running: exit 3.
  ...(['status', 'stop a', 'restart a', 'logs a', 'down', 'dashboard'] as const).map(
    (command): BadInput => ({ kind: 'control client', name: `${command} with no stack running`, args: command.split(' '), code: 3, expected: /no stack is running in .*: start one with `land up`/ }),
  ),
];

describe.concurrent('bad input: one line, its exit code, nothing started', () => {
  for (const testCase of cases) {
    it(`${testCase.kind}: ${testCase.name}`, async () => {
      const dir = makeProject({ config: testCase.config ?? tiers({}), profiles: testCase.profiles ?? { debug: '' }, files: testCase.files ?? {} });
      if (testCase.source !== undefined) writeFileSync(join(dir, 'land.config.mjs'), testCase.source);
      testCase.prepare?.(dir);
      const result = await landDone(testCase.args ?? UP, dir);
      expectCleanRejection(result, dir, testCase.expected, testCase.code ?? 2);
    });
  }
});

describe('land -v', () => {
  it('-v and --version print the version, exit 0, before any command', async () => {
    const dir = makeProject({ config: tiers({}) });
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['-v', '--version']) expect(await landDone([flag], dir)).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});

const OUTER_TRACE = 'c'.repeat(31) + '3';
const OUTER_PARENT = `00-${OUTER_TRACE}-${'d'.repeat(15)}4-01`;

/** Trace context from outside (the env carrier's names): each bad variable is dropped on its own. */
const BAD_CONTEXT: Array<{ variable: 'TRACEPARENT' | 'TRACESTATE' | 'BAGGAGE'; name: string; env: Record<string, string>; reason: RegExp }> = [
  { variable: 'TRACEPARENT', name: 'not a traceparent at all', env: { TRACEPARENT: 'garbage' }, reason: /expected version-traceid-parentid-flags/ },
  { variable: 'TRACEPARENT', name: 'an all-zero trace id', env: { TRACEPARENT: `00-${'0'.repeat(32)}-${'a'.repeat(16)}-01` }, reason: /trace id must not be all zero/ },
  { variable: 'TRACESTATE', name: 'a list member that is not key=value', env: { TRACEPARENT: OUTER_PARENT, TRACESTATE: 'ci=ok,NotAKey' }, reason: /list member 2 is not key=value with a W3C key/ },
  { variable: 'TRACESTATE', name: 'a tracestate with no TRACEPARENT to go with it', env: { TRACESTATE: 'ci=ok' }, reason: /it goes with a TRACEPARENT, and there is no valid one/ },
  { variable: 'BAGGAGE', name: 'a value with a space (not percent-encoded)', env: { TRACEPARENT: OUTER_PARENT, BAGGAGE: 'team=core,user=jane doe' }, reason: /list member 2 has a value with a space/ },
  { variable: 'BAGGAGE', name: 'a list member that is not key=value', env: { BAGGAGE: 'justakey' }, reason: /list member 1 is not key=value/ },
];

describe.concurrent('bad input (warned and ignored): trace context from outside that is not valid', () => {
  for (const { variable, name, env, reason } of BAD_CONTEXT) {
    it(`${variable}: ${name}: one warning line, the variable dropped, the stack boots and exits 0`, async () => {
      const reports = join(makeProject({ config: { tiers: {} } }), 'reports');
      const dir = makeProject({ config: { tiers: { a: { command: child('--report-env', reports, '--say', 'a up'), ready: { log: 'a up' } } } } });
      const run = land(['up', '--no-tui'], dir, { TRACEPARENT: undefined, TRACESTATE: undefined, BAGGAGE: undefined, ...env });
      runs.push(run);
      await run.waitFor(/a: starting → ready/);
      expect((await run.stop()).code).toBe(0);
      const warnings = run.stderr.split('\n').filter((line) => line.includes('ignoring'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(new RegExp(`^land: ignoring ${variable} from the environment: `));
      expect(warnings[0]).toMatch(reason);
      // What was valid still counts: a good TRACEPARENT is joined, a bad one gives a fresh trace.
      const traceId = /trace ([0-9a-f]{32})/.exec(run.stdout)![1]!;
      if (variable !== 'TRACEPARENT' && env.TRACEPARENT === OUTER_PARENT) expect(traceId).toBe(OUTER_TRACE);
      else expect(Object.values(env).join()).not.toContain(traceId);
      const childEnv = envReports(reports, 'a')[0]!;
      expect(childEnv.TRACEPARENT).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
      expect(childEnv[variable] === undefined || variable === 'TRACEPARENT').toBe(true);
      expect(markedProcesses(run.bootId)).toEqual([]);
    });
  }
});
