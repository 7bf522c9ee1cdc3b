/**
 * `land completion bash|zsh|fish`: the bash script sourced in a real bash completes commands, options, and where a
 * command takes them the running stack's tier names (or the config's, for `land up`), profile names after
 * `--profile` and files after `-c`, from the stack a `-c` on the line names (through a `land` on PATH, as a user's
 * shell finds it); what fits each position is read from the program's own commands; zsh and fish scripts parse.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { child, land, LAND_BIN, landDone, makeProject, removeProjects, type LandRun } from '../helpers/land.js';
import { cleanUp } from '../control/helpers.js';
import { completedCommands } from '../../src/cli/completion/commands.js';
import { positionOf } from '../../src/cli/completion/position.js';

const runs: LandRun[] = [];
afterAll(removeProjects);
afterAll(async () => {
  await cleanUp(runs);
});

// A `land` on PATH, as an installed one is: the script calls it for tier names.
const binDir = mkdtempSync(join(tmpdir(), 'land-completion-bin-'));
writeFileSync(join(binDir, 'land'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(LAND_BIN)} "$@"\n`);
chmodSync(join(binDir, 'land'), 0o755);
afterAll(() => rmSync(binDir, { recursive: true, force: true }));

/** What bash's completion offers for the words typed (the last one being completed), in `dir`. */
function complete(script: string, dir: string, typed: string[]): string[] {
  const words = typed.map((word) => `'${word}'`).join(' ');
  const program = `${script}\nCOMP_WORDS=(${words}); COMP_CWORD=${typed.length - 1}; _land; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const env = { ...process.env, PATH: `${binDir}:${process.env.PATH}`, NO_COLOR: '1' };
  return execFileSync('bash', ['--norc', '--noprofile', '-c', program], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 }).split('\n').filter(Boolean);
}

describe('land completion', () => {
  it('completes commands, options and the running tiers in bash', async () => {
    const dir = makeProject({
      config: {
        tiers: {
          api: { command: child('--say', 'api listening'), ready: { log: 'api listening' } },
          worker: { command: child('--say', 'worker up'), replicas: 2 },
        },
      },
      profiles: { debug: '', ci: '' },
    });
    const other = makeProject({ config: { tiers: { elsewhere: { command: child('--say', 'far') } } }, profiles: { far: '' } });
    const script = await landDone(['completion', 'bash'], dir);
    expect(script.code, script.stderr).toBe(0);
    // The script registers itself.
    const registered = execFileSync('bash', ['--norc', '--noprofile', '-c', `${script.stdout}\ncomplete -p land`], { encoding: 'utf8' });
    expect(registered).toMatch(/complete -F _land land/);

    expect(complete(script.stdout, dir, ['land', 'st'])).toEqual(['status', 'start', 'stop', 'startup']);
    expect(complete(script.stdout, dir, ['land', 'comp'])).toEqual(['completion']);
    expect(complete(script.stdout, dir, ['land', 'status', '--j'])).toEqual(['--json']);
    expect(complete(script.stdout, dir, ['land', 'restart', '--a'])).toEqual(['--all']);
    expect(complete(script.stdout, dir, ['land', 'completion', ''])).toEqual(['bash', 'zsh', 'fish']);
    // Hidden options stay hidden.
    expect(complete(script.stdout, dir, ['land', 'completion', '--n'])).toEqual([]);
    // No stack running: no tier names, nothing said.
    expect(complete(script.stdout, dir, ['land', 'logs', ''])).toEqual([]);
    expect(await landDone(['completion', '--names'], dir)).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(await landDone(['completion', '--complete', '--', 'logs', ''], dir)).toMatchObject({ code: 0, stdout: '', stderr: '' });
    // A stack not running yet: `land up` takes the config's tiers; profiles after --profile; files after -c; choices.
    expect(complete(script.stdout, dir, ['land', 'up', ''])).toEqual(['api', 'worker']);
    expect(complete(script.stdout, dir, ['land', 'up', 'api', 'w'])).toEqual(['worker']);
    expect(complete(script.stdout, dir, ['land', 'up', '--profile', ''])).toEqual(['ci', 'debug']);
    expect(complete(script.stdout, dir, ['land', 'export', 'compose', '-p', 'c'])).toEqual(['ci']);
    expect(complete(script.stdout, dir, ['land', 'up', '-c', 'land.con'])).toEqual(['land.config.mjs']);
    expect(complete(script.stdout, dir, ['land', 'up', '--config', '=', 'land.con'])).toEqual(['land.config.mjs']);
    expect(complete(script.stdout, dir, ['land', 'export', ''])).toEqual(['systemd', 'compose', 'kubernetes', 'supervisord']);
    expect(complete(script.stdout, dir, ['land', 'run', '--tier', ''])).toEqual(['api', 'worker']);
    // Another stack named by -c: its tiers and profiles, not this folder's.
    expect(complete(script.stdout, dir, ['land', 'up', '-c', other, ''])).toEqual(['elsewhere']);
    expect(complete(script.stdout, dir, ['land', 'up', `--config=${other}`, '--profile', ''])).toEqual(['far']);

    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    await run.waitFor(/api: starting → ready/);
    await run.waitFor(/worker\.2: starting → /);
    expect(complete(script.stdout, dir, ['land', 'logs', ''])).toEqual(['api', 'worker', 'worker.1', 'worker.2']);
    expect(complete(script.stdout, dir, ['land', 'restart', 'w'])).toEqual(['worker', 'worker.1', 'worker.2']);
    expect(complete(script.stdout, dir, ['land', 'logs', 'api', ''])).toEqual(['api', 'worker', 'worker.1', 'worker.2']);
    // One process: a replica, not the whole tier; scale: a tier with replicas, then a count.
    expect(complete(script.stdout, dir, ['land', 'attach', ''])).toEqual(['api', 'worker.1', 'worker.2']);
    expect(complete(script.stdout, dir, ['land', 'scale', ''])).toEqual(['worker']);
    expect(complete(script.stdout, dir, ['land', 'scale', 'worker', ''])).toEqual([]);
    expect(complete(script.stdout, dir, ['land', 'send', 'worker.1', ''])).toEqual([]);
    // An option's value is not a tier.
    expect(complete(script.stdout, dir, ['land', 'logs', '-n', ''])).toEqual([]);
    expect(complete(script.stdout, dir, ['land', 'logs', '--since', ''])).toEqual([]);
    // The stack a -c names, from another folder; and none running where -c points.
    expect(complete(script.stdout, other, ['land', 'logs', '-c', dir, ''])).toEqual(['api', 'worker', 'worker.1', 'worker.2']);
    expect(complete(script.stdout, other, ['land', 'logs', '--config', '=', dir, 'worker.'])).toEqual(['worker.1', 'worker.2']);
    expect(complete(script.stdout, dir, ['land', 'logs', '-c', other, ''])).toEqual([]);
    expect(await landDone(['down'], dir)).toMatchObject({ code: 0 });
    expect((await run.exited).code).toBe(0);
  }, 120_000);

  it('prints zsh and fish scripts that parse, and refuses another shell with exit 2', async () => {
    const dir = makeProject({ config: { tiers: {} } });
    const zsh = await landDone(['completion', 'zsh'], dir);
    expect(zsh.code).toBe(0);
    expect(zsh.stdout).toMatch(/^autoload -U \+X bashcompinit && bashcompinit$/m);
    // bash's parser reads the zsh script's body (the same function); zsh itself may not be installed here.
    expect(spawnSync('bash', ['-n'], { input: zsh.stdout }).status).toBe(0);
    const fish = await landDone(['completion', 'fish'], dir);
    expect(fish.code).toBe(0);
    expect(fish.stdout).toMatch(/^complete -c land -n __fish_use_subcommand -a status -d /m);
    expect(fish.stdout).toMatch(/^complete -c land -n '__fish_seen_subcommand_from logs' -l follow$/m);
    expect(fish.stdout).toMatch(/^complete -c land -n 'not __fish_use_subcommand' -a '\(__land_fits\)'$/m);
    expect(fish.stdout).toContain('command land completion --complete -- $line[2..-1] "$current"');
    expect(await landDone(['completion', 'tcsh'], dir)).toMatchObject({ code: 2, stdout: '', stderr: 'land: completion: expected bash, zsh or fish, got "tcsh"\n' });
    expect(await landDone(['completion', 'bash', 'zsh'], dir)).toMatchObject({ code: 2, stdout: '', stderr: 'land: completion: expected one shell (bash, zsh or fish), got 2 arguments\n' });
  }, 60_000);
});

describe('what completes where, read from the commands', () => {
  const commands = completedCommands();
  const at = (name: string, ...typed: string[]) => positionOf(commands.find((command) => command.name === name)!, typed);

  it('tier names only in a tier argument, of the kind the command takes', () => {
    expect(at('logs', '').completes).toBe('running');
    expect(at('logs', 'api', 'web.2', '').completes).toBe('running');
    expect(at('attach', '').completes).toBe('instances');
    expect(at('attach', 'web.2', '').completes).toBe('none');
    expect(at('send', 'web.2', '').completes).toBe('none');
    expect(at('scale', '').completes).toBe('groups');
    expect(at('scale', 'web', '').completes).toBe('none');
    expect(at('up', '').completes).toBe('declared');
    expect(at('up', '--exit-with', '').completes).toBe('declared');
    expect(at('trace', '--tier', '').completes).toBe('declared');
    expect(at('trace', '').completes).toBe('none');
    expect(at('export', '').completes).toEqual(['systemd', 'compose', 'kubernetes', 'supervisord']);
    expect(at('completion', '').completes).toEqual(['bash', 'zsh', 'fish']);
  });

  it("an option's value: files, folders, profiles or nothing; flags after `-`, operands after `--`", () => {
    expect(at('up', '-c', '').completes).toBe('files');
    expect(at('logs', '--procfile', '').completes).toBe('files');
    expect(at('init', '--from', '').completes).toBe('files');
    expect(at('export', 'compose', '--out', '').completes).toBe('dirs');
    expect(at('up', '-p', '').completes).toBe('profiles');
    expect(at('logs', '-n', '').completes).toBe('none');
    expect(at('logs', '-f', '').completes).toBe('running');
    expect(at('logs', '--j').completes).toBe('flags');
    expect(at('send', 'web.2', '--', '-x').completes).toBe('none');
    expect(at('run', '--', '').completes).toBe('files');
  });

  it('reads the stack -c or --procfile names, in each spelling', () => {
    expect(at('logs', '-c', 'a/land.config.ts', '').stack).toEqual({ config: 'a/land.config.ts' });
    expect(at('logs', '--config=b', '').stack).toEqual({ config: 'b' });
    expect(at('logs', '--config', '=', 'c', 'api', '')).toEqual({ completes: 'running', stack: { config: 'c' } });
    expect(at('up', '-f', 'Procfile.dev', '').stack).toEqual({ procfile: 'Procfile.dev' });
    // `land init --procfile` names a file to convert, not the stack.
    expect(at('init', '--procfile', 'Procfile', '').stack).toEqual({});
  });
});
