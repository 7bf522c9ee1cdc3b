/** The converters behind `land init`, and foreman's formation, on the cases the end-to-end tests do not reach. */
import { describe, expect, it } from 'vitest';
import { parseLandConfig } from '../../src/config/config-issues.js';
import { InputError } from '../../src/errors.js';
import { commandFields } from '../../src/migrate/draft.js';
import { renderConfig, tsValue } from '../../src/migrate/emit.js';
import { draftFromProcessCompose } from '../../src/migrate/from-process-compose.js';
import { draftFromProcfile } from '../../src/migrate/from-procfile.js';
import { parseFormation } from '../../src/procfile/formation.js';
import { procfileTiers } from '../../src/procfile/stack.js';

const tier = async (yaml: string, name: string) => (await draftFromProcessCompose(yaml, 'pc.yaml')).tiers.find((t) => t.name === name)!;

describe('process-compose → land', () => {
  it('resolves YAML merge keys (<<: *anchor), as process-compose does, and says what an x- key is', async () => {
    const draft = await draftFromProcessCompose(
      [
        'x-common: &common',
        '  availability: { restart: always, backoff_seconds: 2 }',
        '  environment: [SHARED=1]',
        'processes:',
        '  web:',
        '    <<: *common',
        '    command: node web.js',
        '  worker:',
        '    <<: [*common]',
        '    command: node worker.js',
        '    environment: [OWN=2]',
      ].join('\n'),
      'pc.yaml',
    );
    expect(draft.tiers.map((t) => t.config)).toEqual([
      expect.objectContaining({ command: ['node', 'web.js'], env: { SHARED: '1' }, restart: expect.objectContaining({ policy: 'always' }) }),
      expect.objectContaining({ command: ['node', 'worker.js'], env: { OWN: '2' }, restart: expect.objectContaining({ policy: 'always' }) }),
    ]);
    for (const tier of draft.tiers) expect(tier.notes.join('\n')).not.toContain('<<');
    expect(draft.notes).toContain('x-common: an extension key, merged where a process uses its anchor; not a process');
  });

  it('maps entrypoint to argv, signal numbers and names, exit_on_failure, and notes what it drops', async () => {
    const draft = await draftFromProcessCompose(
      [
        'environment: { SHARED: "1" }',
        'shell: { shell_command: zsh }',
        'processes:',
        '  my.web:',
        '    entrypoint: [python, -m]',
        '    command: http.server',
        '    environment: [PORT=8000, "broken"]',
        '    shutdown: { signal: SIGQUIT, command: "kill it" }',
        '    availability: { restart: exit_on_failure }',
        '    replicas: 2',
        '  job:',
        '    command: ./run.sh',
        '    depends_on: { my.web: { condition: process_completed }, ghost: {}, nocmd: {} }',
        '    shutdown: { signal: 99 }',
        '  nocmd:',
        '    description: no command here',
      ].join('\n'),
      'pc.yaml',
    );
    expect(draft.tiers.map((t) => t.name)).toEqual(['my-web', 'job']);
    const web = draft.tiers[0]!;
    expect(web.config).toMatchObject({ command: ['python', '-m', 'http.server'], env: { SHARED: '1', PORT: '8000' }, restart: { policy: 'never' }, stop: { signal: 'SIGQUIT', command: ['kill', 'it'] }, replicas: 2 });
    expect(web.notes).toEqual(
      expect.arrayContaining([
        '"my.web" in process-compose.yaml (renamed: tier names are letters, digits, - and _)',
        'environment: "broken" is not KEY=value: left out',
        'shutdown.command and shutdown.signal: land runs the command instead of the signal, and sends SIGQUIT only when the command fails',
      ]),
    );
    const job = draft.tiers[1]!;
    expect(job.config.dependsOn).toEqual({ 'my-web': 'completed' });
    expect(job.notes).toEqual(
      expect.arrayContaining([
        "depends_on.my.web: process_completed: land's \"completed\" waits for exit code 0",
        'depends_on.ghost: no such process in the file: left out',
        'depends_on.nocmd: that process was left out',
        'shutdown.signal 99: not a signal land knows: SIGTERM kept',
      ]),
    );
    expect(draft.notes).toEqual(expect.arrayContaining(['process "nocmd" has no command: left out', 'not mapped (top level): shell: {"shell_command":"zsh"}']));
  });

  it('maps is_daemon and shutdown.command: an argv for plain words, a string for a shell tier, else /bin/sh -c', async () => {
    const draft = await draftFromProcessCompose(
      [
        'processes:',
        '  pg:',
        '    command: pg_ctl start -D data',
        '    is_daemon: true',
        '    shutdown: { command: pg_ctl stop -D data -m fast, timeout_seconds: 20 }',
        '  redis:',
        '    command: redis-server --port "$REDIS_PORT" --daemonize yes',
        '    is_daemon: true',
        '    shutdown: { command: redis-cli -p "$REDIS_PORT" shutdown }',
        '  web:',
        '    command: docker compose up web',
        '    is_daemon: "yes"',
        '    shutdown: { command: docker compose down && echo "down", signal: 15 }',
      ].join('\n'),
      'pc.yaml',
    );
    const [pg, redis, web] = draft.tiers;
    expect(pg!.config).toMatchObject({ command: ['pg_ctl', 'start', '-D', 'data'], daemon: true, stop: { timeoutMs: 20_000, command: ['pg_ctl', 'stop', '-D', 'data', '-m', 'fast'] } });
    expect(pg!.notes).toContain('is_daemon: started once the command exits 0; land follows the daemon by its marks (LAND_BOOT_ID, TRACEPARENT) and stops it with the tier');
    // The tier runs through a shell: its stop command does too, as a string.
    expect(redis!.config).toMatchObject({ shell: true, daemon: true, stop: { command: 'redis-cli -p "$REDIS_PORT" shutdown' } });
    // An argv tier whose stop command needs a shell gets it spelt out; is_daemon that is not a boolean is said.
    expect(web!.config).toMatchObject({ command: ['docker', 'compose', 'up', 'web'], stop: { signal: 'SIGTERM', command: ['/bin/sh', '-c', 'docker compose down && echo "down"'] } });
    expect(web!.config.daemon).toBeUndefined();
    expect(web!.notes).toContain('is_daemon "yes": expected true or false: left out');
  });

  it('maps is_interactive to stdin: true (land attach types into it); a value that is not a boolean is said', async () => {
    const draft = await draftFromProcessCompose(
      ['processes:', '  repl:', '    command: python3 -i', '    is_interactive: true', '  odd:', '    command: cat', '    is_interactive: 1'].join('\n'),
      'pc.yaml',
    );
    const [repl, odd] = draft.tiers;
    expect(repl!.config.stdin).toBe(true);
    expect(repl!.notes).toEqual(expect.arrayContaining(['is_interactive: its stdin is a pipe land keeps open (not a terminal): `land attach <tier>` types into it']));
    expect(odd!.config.stdin).toBeUndefined();
    expect(odd!.notes).toContain('is_interactive 1: expected true or false: left out');
  });

  it('cuts a process name longer than a tier name may be (63 characters), keeping two such names apart', async () => {
    const long = 'p'.repeat(70);
    const draft = await draftFromProcessCompose(`processes:\n  ${long}a:\n    command: a\n  ${long}b:\n    command: b\n`, 'pc.yaml');
    expect(draft.tiers.map((t) => t.name)).toEqual(['p'.repeat(63), `${'p'.repeat(61)}-2`]);
    expect(draft.tiers[0]!.notes).toEqual([`"${long}a" in process-compose.yaml (renamed: tier names are letters, digits, - and _, at most 63 characters)`]);
  });

  it('waits for a daemon to be up, not completed (a daemon tier never completes): ready with a probe, else started', async () => {
    const draft = await draftFromProcessCompose(
      [
        'processes:',
        '  redis:',
        '    command: redis-server --daemonize yes',
        '    is_daemon: true',
        '    readiness_probe: { exec: { command: redis-cli ping } }',
        '  pg:',
        '    command: pg_ctl start -D data',
        '    is_daemon: true',
        '  seed:',
        '    command: node seed.js',
        '  api:',
        '    command: node api.js',
        '    depends_on: { redis: { condition: process_completed_successfully }, pg: { condition: process_completed }, seed: { condition: process_completed_successfully } }',
      ].join('\n'),
      'pc.yaml',
    );
    const api = draft.tiers.find((tier) => tier.name === 'api')!;
    expect(api.config.dependsOn).toEqual({ redis: 'ready', pg: 'started', seed: 'completed' });
    expect(api.notes).toContain('depends_on.redis: redis is a daemon (is_daemon), which never completes in land: mapped to ready');
    expect(api.notes).toContain('depends_on.pg: pg is a daemon (is_daemon), which never completes in land: mapped to started');
    // What land init writes loads: a dependsOn waiting for a daemon to complete would be refused.
    const tiers = Object.fromEntries(draft.tiers.map((tier) => [tier.name, tier.config]));
    expect(() => parseLandConfig({ tiers }, 'land.config.ts')).not.toThrow();
  });

  it('gives probes their deadline from the defaults process-compose takes (period 10 s, 3 failures)', async () => {
    const api = await tier('processes:\n  api:\n    command: node a.js\n    readiness_probe: { http_get: { port: 3000, path: ready } }\n', 'api');
    expect(api.config.ready).toEqual({ http: 'http://127.0.0.1:3000/ready', timeoutMs: 30_000 });
  });

  it('rejects what is not a process-compose file', async () => {
    await expect(draftFromProcessCompose('- a\n- b\n', 'pc.yaml')).rejects.toThrow(new InputError('pc.yaml: processes: expected a map of processes, e.g. processes: { web: { command: … } }'));
    await expect(draftFromProcessCompose('processes: {\n', 'pc.yaml')).rejects.toThrow(/^pc\.yaml:\d+: not valid YAML/);
  });
});

describe('a command line: an argv only when sh would run exactly those words', () => {
  it.each([
    ['node server.js --port 8080', ['node', 'server.js', '--port', '8080']],
    ['  node\tserver.js  ', ['node', 'server.js']],
    ['./bin/run a=b key:value user@host 50% +x,y', ['./bin/run', 'a=b', 'key:value', 'user@host', '50%', '+x,y']],
  ])('%j is an argv', (command, argv) => {
    expect(commandFields(command)).toEqual({ command: argv });
  });

  it.each([
    'echo multi\necho line\n',
    'echo a\r\necho b',
    'echo a; echo b',
    'make && make test',
    'test -f x || touch x',
    'cat log | grep err',
    'node a.js > out.log',
    'node a.js 2>&1',
    'node a.js < in.txt',
    'node a.js --port $PORT',
    'node a.js ${PORT}',
    'echo $(date)',
    'echo `date`',
    'node "my file.js"',
    "node 'my file.js'",
    'rm *.tmp',
    'sleep 1 &',
    'PORT=1 node a.js',
    'cd web && npm start',
    'exec node a.js',
    'echo a\u00a0b',
    'echo ~/x',
    'node a.js # comment',
  ])('%j keeps its shell', (command) => {
    expect(commandFields(command)).toEqual({ command: command.trim(), shell: true });
  });
});

describe('writing the config', () => {
  it('quotes what needs quoting and breaks long objects over lines', () => {
    expect(tsValue({ 'a-b': "it's", ok: [1, true] })).toBe(`{ 'a-b': 'it\\'s', ok: [1, true] }`);
    expect(tsValue({ text: 'x'.repeat(120) })).toBe(`{\n  text: '${'x'.repeat(120)}',\n}`);
    const text = renderConfig(draftFromProcfile('web: node server.js\n', 'Procfile'));
    expect(text).toContain("web: { command: ['node', 'server.js'], port: 5000 },");
    expect(text.startsWith('// Written by `land init` from Procfile.')).toBe(true);
  });
});

describe("foreman's formation", () => {
  it("counts per type; a type not named gets all= (0 when all is not named, as foreman's parse_formation); a port base per type, replicas above one", () => {
    const types = ['web', 'worker', 'clock'];
    expect([...parseFormation(undefined, types)]).toEqual([['web', 1], ['worker', 1], ['clock', 1]]);
    expect([...parseFormation('all=2, clock=0', types)]).toEqual([['web', 2], ['worker', 2], ['clock', 0]]);
    expect([...parseFormation('web=2', types)]).toEqual([['web', 2], ['worker', 0], ['clock', 0]]);
    expect([...parseFormation('clock=1,all=1', types)]).toEqual([['web', 1], ['worker', 1], ['clock', 1]]);
    expect(() => parseFormation('web=two', types)).toThrow(/expected <process type>=<count>/);
    expect(() => parseFormation('web=1,web=2', types)).toThrow(new InputError('-m/--formation: web: expected one count, got 1 and 2'));
    expect(() => parseFormation('all=1,web=1,all=0', types)).toThrow(new InputError('-m/--formation: all: expected one count, got 1 and 0'));
    const procTypes = types.map((name, index) => ({ name, command: name, line: index + 1 }));
    // A type the formation counts is replicas, a count of one too (so that land scale takes it).
    expect(procfileTiers(procTypes, 5000, parseFormation('web=3,clock=1', types))).toEqual({
      web: { command: 'web', shell: true, port: 5000, replicas: 3 },
      clock: { command: 'clock', shell: true, port: 5200, replicas: 1 },
    });
    // No formation: every type once, under its plain name.
    expect(procfileTiers(procTypes, 5000)).toEqual({
      web: { command: 'web', shell: true, port: 5000 },
      worker: { command: 'worker', shell: true, port: 5100 },
      clock: { command: 'clock', shell: true, port: 5200 },
    });
  });
});
