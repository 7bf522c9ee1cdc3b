/** `land check` through the real CLI: every problem of config, profiles and env files; nothing started. */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHILD, expectCleanRejection, land, landDone, makeProject, removeProjects } from '../helpers/land.js';

afterAll(removeProjects);

const SECRET = 'phc_check_secret_abcdefghijklmnop';

interface JsonReport {
  ok: boolean;
  stack: { kind: string; file: string } | null;
  profiles: string[];
  envFiles: string[];
  problems: Array<{ file: string; line?: number; key?: string; message: string; text: string }>;
}

describe('land check', () => {
  it('lists every problem of the config, the env files and every profile, exits 2 and starts nothing', async () => {
    const dir = makeProject({
      config: {
        tiers: {
          api: { command: ['node', CHILD], ready: { tcp: 'abc' } },
          web: { comand: ['node', CHILD] },
        },
      },
      profiles: { debug: 'A=1\noops\nB="never closed\n', release: 'Color=#fff\n' },
      files: { '.env.Land.PostHog': `Authorize=${SECRET}\nnot an assignment ${SECRET}\n` },
    });
    const result = await landDone(['check'], dir);
    expect(result.code).toBe(2);
    expect(result.stdout.trimEnd().split('\n')).toEqual([
      'land.config.mjs: tiers.web: unknown key "comand": did you mean "command"?',
      'land.config.mjs: tiers.api.ready.tcp: expected a port 1..65535, got "abc"',
      'land.config.mjs: tiers.web.command: expected a non-empty argv array of strings, or a string with shell: true, got nothing',
      '.env.Land.PostHog:2: expected KEY=value, got "not …" (hidden: it may be a secret)',
      'profiles/debug.env:2: expected KEY=value, got "oops"',
      'profiles/debug.env:3: unterminated " quote in B: expected a closing " before the end of the file',
      'profiles/release.env:1: expected a quoted value for Color (an unquoted # starts a comment), got "#fff"',
    ]);
    // Where the problems are, then what was checked: the list in parentheses read as where they were.
    expect(result.stderr).toBe('land: 7 problems, in land.config.mjs, .env.Land.PostHog, profiles/debug.env and 1 more file; checked land.config.mjs, 2 profiles, 1 env file; nothing was started\n');
    expect(result.stdout + result.stderr).not.toContain(SECRET);
    expect(existsSync(join(dir, '.land'))).toBe(false);

    // land up still stops at the first, as before.
    const up = await landDone(['up', '--no-tui'], dir);
    expect(up.code).toBe(2);
    expect(up.stderr).toMatch(/unknown key "comand".*\(and 2 more problems\)/);

    const json = await landDone(['check', '--json'], dir);
    expect(json.code).toBe(2);
    const report = JSON.parse(json.stdout) as JsonReport;
    expect(report.ok).toBe(false);
    expect(report.stack).toEqual({ kind: 'config', file: 'land.config.mjs' });
    expect(report.profiles).toEqual(['debug', 'release']);
    expect(report.problems).toHaveLength(7);
    expect(report.problems[1]).toEqual({
      file: 'land.config.mjs',
      key: 'tiers.api.ready.tcp',
      message: 'expected a port 1..65535, got "abc"',
      text: 'land.config.mjs: tiers.api.ready.tcp: expected a port 1..65535, got "abc"',
    });
    expect(report.problems[5]).toMatchObject({ file: 'profiles/debug.env', line: 3 });
    expect(json.stdout).not.toContain(SECRET);
  });

  it('never quotes a bare line of an env file (it may be a pasted key), in check, check --json and up; a profile\'s is quoted', async () => {
    const dir = makeProject({
      config: { tiers: { web: { command: ['node', CHILD] } } },
      profiles: { debug: 'oops\n' },
      files: { '.env.Land.PostHog': 'Authorize=\nsekret123\n', '.env.Land': 'abc+def/ghi==\nA="x" sekret456\n' },
    });
    const check = await landDone(['check'], dir);
    expect(check.code).toBe(2);
    expect(check.stdout.trimEnd().split('\n')).toEqual([
      '.env.Land:1: expected a key of letters, digits and _ (not starting with a digit), got (hidden: it may be a secret)',
      '.env.Land:2: expected only a # comment after the closing " of A, got (hidden: it may be a secret)',
      '.env.Land.PostHog:2: expected KEY=value, got (hidden: it may be a secret)',
      'profiles/debug.env:1: expected KEY=value, got "oops"',
    ]);
    const json = await landDone(['check', '--json'], dir);
    const report = JSON.parse(json.stdout) as JsonReport;
    expect(report.problems[2]).toEqual({
      file: '.env.Land.PostHog',
      line: 2,
      message: 'expected KEY=value, got (hidden: it may be a secret)',
      text: '.env.Land.PostHog:2: expected KEY=value, got (hidden: it may be a secret)',
    });
    const up = await landDone(['up', '--no-tui'], dir);
    expect(up.code).toBe(2);
    for (const output of [check.stdout + check.stderr, json.stdout + json.stderr, up.stdout + up.stderr]) {
      expect(output).not.toMatch(/sekret|ghi==/);
    }
  });

  it('with schema problems, still lists what the rest of the config shows: unknown dependencies, cycles, commands of the valid tiers', async () => {
    const dir = makeProject({
      config: {
        tier: 1,
        tiers: {
          api: { command: 5 },
          web: { command: ['node', CHILD], dependsOn: { nosuch: 'ready', api: 'ready' } },
          tool: { command: ['no-such-command-land-check'] },
          a: { command: ['node', CHILD], dependsOn: { b: 'started' } },
          b: { command: ['node', CHILD], dependsOn: { a: 'started' } },
        },
      },
    });
    const result = await landDone(['check'], dir);
    expect(result.code).toBe(2);
    // The schema's problems first; before, the check stopped there.
    expect(result.stdout.trimEnd().split('\n')).toEqual([
      'land.config.mjs: unknown key "tier": did you mean "tiers"?',
      'land.config.mjs: tiers.api.command: expected a non-empty argv array of strings, or a string with shell: true, got 5',
      'land.config.mjs: tiers.web.dependsOn.nosuch: expected the name of a tier (api, web, tool, a, b), got unknown tier "nosuch"',
      'land.config.mjs: tiers: expected no dependency cycle, got a -> b -> a',
      'land.config.mjs: tiers.tool.command: expected an executable, "no-such-command-land-check" was not found on PATH',
    ]);
    expect(existsSync(join(dir, '.land'))).toBe(false);
  });

  it('checks each profile\'s plan: unknown dependencies, a missing cwd or command under the profiles that start the tier', async () => {
    const dir = makeProject({
      config: {
        defaultProfile: 'dev',
        tiers: {
          api: { command: ['node', CHILD], dependsOn: { dbb: 'ready', cache: 'started' } },
        },
      },
      profiles: { debug: '', release: '' },
    });
    const deps = await landDone(['check'], dir);
    expect(deps.code).toBe(2);
    expect(deps.stdout).toBe(
      [
        'land.config.mjs: tiers.api.dependsOn.dbb: expected the name of a tier (api), got unknown tier "dbb"',
        'land.config.mjs: tiers.api.dependsOn.cache: expected the name of a tier (api), got unknown tier "cache"',
        // Independent of them, so listed beside them.
        'land.config.mjs: unknown profile "dev" (the config\'s defaultProfile; known profiles: debug, release)',
        '',
      ].join('\n'),
    );

    writeFileSync(
      join(dir, 'land.config.mjs'),
      `export default ${JSON.stringify({
        defaultProfile: 'dev',
        tiers: {
          api: { command: ['node', CHILD] },
          db: { command: ['node', CHILD], cwd: 'data' },
          web: { command: ['no-such-command-anywhere'], gate: 'Web' },
        },
      })};\n`,
    );
    writeFileSync(join(dir, 'profiles', 'release.env'), 'Web=off\n');
    const plans = await landDone(['check', '--json'], dir);
    const report = JSON.parse(plans.stdout) as JsonReport;
    // Once each, though two profiles would start db: the same problem is not repeated.
    expect(report.problems.map((problem) => problem.text)).toEqual([
      `land.config.mjs: tiers.db.cwd: expected an existing folder, got "${join(dir, 'data')}"`,
      'land.config.mjs: tiers.web.command: expected an executable, "no-such-command-anywhere" was not found on PATH',
      'land.config.mjs: unknown profile "dev" (the config\'s defaultProfile; known profiles: debug, release)',
    ]);
    expect(report.problems[1]!.key).toBe('tiers.web.command');
    expect(plans.code).toBe(2);
  });

  it('lists every independent problem in one run: unknown dependencies, cycles, commands, cwds, env-file lines, the collector address', async () => {
    const dir = makeProject({
      config: {
        tiers: {
          d: { command: ['node', CHILD], dependsOn: { zz: 'ready' } },
          h: { command: ['node', CHILD], dependsOn: { h: 'ready' } },
          a: { command: ['node', CHILD], dependsOn: { b: 'ready' } },
          b: { command: ['node', CHILD], dependsOn: { a: 'ready' } },
          i: { command: ['nonexistent-binary-xyz'] },
          j: { command: ['node', CHILD], cwd: 'nope', gate: ['One', 'Two'] },
        },
      },
      profiles: { debug: 'One=maybe\nTwo=perhaps\n' },
      files: { '.env.Land.PostHog': 'oops\nCapture=true\nEmit=true\nPipe=localhost:4318\n' },
    });
    const result = await landDone(['check'], dir);
    expect(result.code).toBe(2);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.map((line) => line.replace(/: expected .*/, ''))).toEqual([
      'land.config.mjs: tiers.d.dependsOn.zz',
      'land.config.mjs: tiers',
      'land.config.mjs: tiers',
      '.env.Land.PostHog:1',
      'profiles/debug.env:1: One',
      'profiles/debug.env:2: Two',
      '.env.Land.PostHog:4: Pipe',
      'land.config.mjs: tiers.i.command',
      'land.config.mjs: tiers.j.cwd',
    ]);
    expect(lines[1]).toMatch(/expected no dependency cycle, got h -> h$/);
    expect(lines[2]).toMatch(/expected no dependency cycle, got a -> b -> a$/);
    expect(lines[3]).toMatch(/expected KEY=value, got \(hidden: it may be a secret\)$/);
    expect(lines[6]).toMatch(/expected the OTLP collector's address/);
    expect(lines[7]).toMatch(/"nonexistent-binary-xyz" was not found on PATH$/);
    expect(result.stderr).toMatch(/^land: 9 problems, in land\.config\.mjs, \.env\.Land\.PostHog, profiles\/debug\.env;/);

    // land up still stops at the first.
    const up = await landDone(['up', '--no-tui'], dir);
    expect(up.code).toBe(2);
    expect(up.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(up.stderr).toContain('unknown tier "zz"');
  });

  it("lists a collector address the OTLP pipe cannot send to under the env file that sets it, and a profile's gate flag under the profile", async () => {
    const dir = makeProject({
      config: { tiers: { api: { command: ['node', CHILD], gate: 'Spawn' } } },
      profiles: { debug: 'Spawn=true\n' },
      files: { '.env.Land.PostHog': 'Capture=true\nEmit=true\nPipe=https://otel:pw_Ch3ck9@collector.example.com:99999\n' },
    });
    const check = await landDone(['check', '--json'], dir);
    expect(check.code).toBe(2);
    const report = JSON.parse(check.stdout) as JsonReport;
    expect(report.problems).toEqual([
      expect.objectContaining({ file: '.env.Land.PostHog', line: 3, message: expect.stringMatching(/^Pipe: expected the OTLP collector's address as an http or https URL .*, but not a URL \(or its port is not 1-65535\) \(the value is not repeated: it may hold a password\)$/) }),
    ]);
    // With the pipe off the address is not land's to judge; the profile's gate flag then shows, in its file.
    writeFileSync(join(dir, '.env.Land.PostHog'), 'Capture=true\nEmit=false\nPipe=localhost:4318\n');
    writeFileSync(join(dir, 'profiles', 'debug.env'), 'Spawn=flase\n');
    const off = await landDone(['check'], dir);
    expect(off.stdout).toMatch(/^profiles\/debug\.env:1: Spawn: expected true, false, .* \(it gates api\), got "flase"\n$/);
    expect(off.stderr).toMatch(/1 problem, in profiles\/debug\.env;/);
    expect(check.stdout + check.stderr + off.stdout + off.stderr).not.toContain('pw_Ch3ck9');
  });

  it('a key set twice in an env file, a tier\'s env file or a profile: check warns with the file, key and lines (exit 0); up says it in one line and takes the last', async () => {
    const dir = makeProject({
      config: {
        envFiles: ['.env.Land'],
        tiers: { api: { command: ['sh', '-c', 'echo "A=$A X=$X"; exec sleep 300'], ready: { log: 'A=' }, envFiles: ['api.env'] } },
      },
      profiles: { debug: 'Spawn=true\nSpawn=false\n' },
      files: { '.env.Land': 'A=first\nB=1\n# the other A\nA=second\n', 'api.env': 'X=1\nX=2\nX=3\n' },
    });
    const check = await landDone(['check'], dir);
    expect(check.code).toBe(0);
    expect(check.stdout.trimEnd().split('\n')).toEqual([
      '.env.Land:1: A: set on lines 1 and 4: the last one (line 4) wins',
      'api.env:1: X: set on lines 1, 2 and 3: the last one (line 3) wins',
      'profiles/debug.env:1: Spawn: set on lines 1 and 2: the last one (line 2) wins',
    ]);
    // The summary does not read as if nothing were said above it.
    expect(check.stderr).toMatch(/^land: .*: no problems, 3 warnings above \(1 profile, 2 env files\)\n$/);
    const json = JSON.parse((await landDone(['check', '--json'], dir)).stdout) as JsonReport & { warnings: JsonReport['problems'] };
    expect(json.ok).toBe(true);
    expect(json.warnings[0]).toMatchObject({ file: '.env.Land', line: 1, key: 'A', message: 'set on lines 1 and 4: the last one (line 4) wins' });

    const up = land(['up', '--no-tui'], dir);
    try {
      await up.waitFor(/api: starting → ready/);
      expect(up.stdout).toMatch(/api +\| A=second X=3/);
      expect(up.stderr.split('\n').filter((line) => line.includes('warning'))).toEqual([
        'land: warning: .env.Land: A set on lines 1 and 4: the last one (line 4) wins (and 2 more repeated keys: `land check` lists them)',
      ]);
    } finally {
      expect((await up.stop()).code).toBe(0);
    }
  });

  it('exits 0 on a clean stack, from a subfolder too, and checks a Procfile line by line', async () => {
    const dir = makeProject({ config: { tiers: { api: { command: ['node', CHILD] } } }, profiles: { debug: 'A=1\n' } });
    mkdirSync(join(dir, 'src', 'lib'), { recursive: true });
    const clean = await landDone(['check'], join(dir, 'src', 'lib'));
    expect(clean.code).toBe(0);
    expect(clean.stdout).toBe('');
    expect(clean.stderr).toBe('land: ../../land.config.mjs: no problems (1 profile, 0 env files)\n');
    const json = JSON.parse((await landDone(['check', '--json'], dir)).stdout) as JsonReport;
    expect(json).toMatchObject({ ok: true, problems: [], profiles: ['debug'] });

    const foreman = makeProject({ config: { tiers: {} } });
    rmSync(join(foreman, 'land.config.mjs'));
    writeFileSync(join(foreman, 'Procfile'), 'web: node server.js\nworker node worker.js\n\nweb: again\nclock:\n');
    writeFileSync(join(foreman, '.env'), 'PORT=5000\nbroken\n');
    const procfile = await landDone(['check'], foreman);
    expect(procfile.code).toBe(2);
    expect(procfile.stdout.trimEnd().split('\n')).toEqual([
      'Procfile:2: expected <process type>: <command> (the type of letters, digits, _ and -), got "worker node worker.js"',
      'Procfile:4: process type "web" is already defined above',
      'Procfile:5: expected a command after "clock:"',
    ]);
  });

  it('refuses a pattern that does not compile and a name land keeps for itself, in check and before up starts anything', async () => {
    const dir = makeProject({
      config: {
        tiers: {
          api: { command: ['node', CHILD], ready: { log: '[unclosed' }, liveness: { log: 'ok(' } },
          mountain: { command: ['node', CHILD] },
        },
      },
    });
    const check = await landDone(['check'], dir);
    expect(check.code).toBe(2);
    expect(check.stdout.trimEnd().split('\n')).toEqual([
      'land.config.mjs: tiers.api.ready.log: expected a valid regular expression (Unterminated character class), got "[unclosed"',
      'land.config.mjs: tiers.api.liveness.log: expected a valid regular expression (Unterminated group), got "ok("',
      "land.config.mjs: tiers.mountain: expected a tier name other than mountain, echo, mist (land's own names in its events and state lines), got \"mountain\"",
    ]);
    const up = await landDone(['up', '--no-tui'], dir);
    expectCleanRejection(up, dir, /tiers\.api\.ready\.log: expected a valid regular expression \(Unterminated character class\).*\(and 2 more problems\)$/);
  });

  it('checks daemon and stop.command: one line per problem naming the file, the key and what was expected, exit 2', async () => {
    const dir = makeProject({
      config: {
        tiers: {
          db: { command: ['node', CHILD], daemon: 'yes' },
          cache: { command: ['node', CHILD], daemon: true, stop: { command: 'redis-cli shutdown' } },
          queue: { command: ['node', CHILD], stop: { command: [] } },
        },
      },
    });
    const check = await landDone(['check'], dir);
    expect(check.code).toBe(2);
    expect(check.stdout.trimEnd().split('\n')).toEqual([
      'land.config.mjs: tiers.db.daemon: expected true, false or { pidFile: \'path\' }, got "yes"',
      'land.config.mjs: tiers.cache.stop.command: expected an argv array; a string stop command needs shell: true, got "redis-cli shutdown"',
      'land.config.mjs: tiers.queue.stop.command: expected a non-empty argv array of strings, or a string with shell: true, got []',
    ]);
    expectCleanRejection(await landDone(['up', '--no-tui'], dir), dir, /tiers\.db\.daemon: expected true, false or \{ pidFile: 'path' \}, got "yes" \(and 2 more problems\)$/);

    // A dependent waiting for a daemon tier to complete would never start; a stop command land cannot find fails first.
    const waits = makeProject({
      config: {
        tiers: {
          db: { command: ['node', CHILD], daemon: true },
          web: { command: ['node', CHILD], dependsOn: { db: 'completed' } },
        },
      },
    });
    const completed = await landDone(['check'], waits);
    expect(completed.stdout.trimEnd()).toBe(
      'land.config.mjs: tiers.web.dependsOn.db: expected started or ready: db is a daemon tier (daemon: true), which never completes, got "completed"',
    );
    expect(completed.code).toBe(2);
    // Listed with the other problems, whatever they are: not hidden by another tier's schema error.
    const both = makeProject({
      config: {
        tiers: {
          db: { command: ['node', CHILD], daemon: true },
          web: { command: ['node', CHILD], dependsOn: { db: 'completed' } },
          cache: { command: ['node', CHILD], daemon: { pidFile: '' } },
        },
      },
    });
    const all = await landDone(['check'], both);
    expect(all.stdout.trimEnd().split('\n').sort()).toEqual([
      'land.config.mjs: tiers.cache.daemon.pidFile: expected a file path, got ""',
      'land.config.mjs: tiers.web.dependsOn.db: expected started or ready: db is a daemon tier (daemon: true), which never completes, got "completed"',
    ]);
    expect(all.code).toBe(2);
    const missing = makeProject({ config: { tiers: { db: { command: ['node', CHILD], daemon: true, stop: { command: ['no-such-stopper', 'now'] } } } } });
    const notFound = await landDone(['check'], missing);
    expect(notFound.stdout.trimEnd()).toBe('land.config.mjs: tiers.db.stop.command: expected an executable, "no-such-stopper" was not found on PATH');
    expect(notFound.code).toBe(2);
    expectCleanRejection(await landDone(['up', '--no-tui'], missing), missing, /tiers\.db\.stop\.command: expected an executable, "no-such-stopper" was not found on PATH$/);
  });

  it("an exec probe's program is checked as a command is: a missing one is refused by check and up, nothing started", async () => {
    const dir = makeProject({
      config: {
        tiers: {
          api: { command: ['node', CHILD], ready: { exec: ['no-such-ready-probe'], timeoutMs: 2000 } },
          web: { command: ['node', CHILD], liveness: { exec: ['./no-such-live-probe', 'x'] } },
          // A found program and the other kinds of probe are not in the way.
          ok: { command: ['node', CHILD], ready: { exec: ['node', '-e', ''] }, liveness: { tcp: 1 } },
        },
      },
    });
    const check = await landDone(['check', '--json'], dir);
    expect(check.code).toBe(2);
    const report = JSON.parse(check.stdout) as JsonReport;
    expect(report.problems.map((problem) => problem.text)).toEqual([
      'land.config.mjs: tiers.api.ready.exec: expected an executable, "no-such-ready-probe" was not found on PATH',
      `land.config.mjs: tiers.web.liveness.exec: expected an executable, "./no-such-live-probe" was not found in ${dir}`,
    ]);
    expect(report.problems.map((problem) => problem.key)).toEqual(['tiers.api.ready.exec', 'tiers.web.liveness.exec']);
    const refusal = /tiers\.api\.ready\.exec: expected an executable, "no-such-ready-probe" was not found on PATH/;
    expectCleanRejection(await landDone(['up', '--no-tui'], dir), dir, refusal);
    // A refused start leaves no folder behind (it made .land/run to claim the stack), in the foreground or not.
    expect(existsSync(join(dir, '.land'))).toBe(false);
    expectCleanRejection(await landDone(['up', '-d', '--no-dashboard'], dir), dir, refusal);
    expect(existsSync(join(dir, '.land'))).toBe(false);
    // Folders that were there before are the user's: kept.
    mkdirSync(join(dir, '.land', 'run'), { recursive: true, mode: 0o700 });
    expectCleanRejection(await landDone(['up', '--no-tui'], dir), dir, refusal);
    expect(existsSync(join(dir, '.land', 'run'))).toBe(true);
  });

  it("a shell line's first word is checked as an argv command is: a Procfile's missing program is refused by check and up, nothing started", async () => {
    const dir = makeProject({ config: {}, profiles: {}, files: { Procfile: 'web: no-such-program-procfile -p $PORT\nok: cd . && exec sleep 60\nfine: sleep 60\n' } });
    rmSync(join(dir, 'land.config.mjs'));
    const line = 'Procfile: tiers.web.command: expected an executable, "no-such-program-procfile" was not found on PATH (the first word of its shell line)';
    const check = await landDone(['check'], dir);
    expect(check.code).toBe(2);
    expect(check.stdout.trimEnd().split('\n')[0]).toBe(line);
    const up = await landDone(['up', '--no-tui'], dir);
    expect(up.code).toBe(2);
    expect(up.stderr).toBe(`land: ${line}\n`);
    expect(up.stdout).not.toMatch(/spawned pid/);
    expect(existsSync(join(dir, '.land', 'logs'))).toBe(false);

    // What the shell decides at run time is left to it; its 127 is said for what it usually means.
    writeFileSync(join(dir, 'Procfile'), 'web: cd . && no-such-program-procfile\n');
    // `up -d` waits through restarts (a crash is said as it happens): a short wait ends it long before the budget.
    const late = await landDone(['up', '-d', '--no-dashboard', '--wait-timeout', '4'], dir);
    try {
      expect(late.code).toBe(8);
      expect(late.stderr).toContain("land: web crashed: exited with code 127 (a shell's code for a command not found); restarting in");
    } finally {
      await landDone(['down'], dir);
    }
  });
});
