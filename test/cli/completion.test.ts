/**
 * `land completion bash|zsh|fish`: the bash script sourced in a real bash completes commands, options and the
 * running stack's tier names (through a `land` on PATH, as a user's shell finds it); zsh and fish scripts parse.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { child, land, LAND_BIN, landDone, makeProject, removeProjects, type LandRun } from '../helpers/land.js';
import { cleanUp } from '../control/helpers.js';

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
    });
    const script = await landDone(['completion', 'bash'], dir);
    expect(script.code, script.stderr).toBe(0);
    // The script registers itself.
    const registered = execFileSync('bash', ['--norc', '--noprofile', '-c', `${script.stdout}\ncomplete -p land`], { encoding: 'utf8' });
    expect(registered).toMatch(/complete -o default -F _land land/);

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

    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    await run.waitFor(/api: starting → ready/);
    await run.waitFor(/worker\.2: starting → /);
    expect(complete(script.stdout, dir, ['land', 'logs', ''])).toEqual(['api', 'worker', 'worker.1', 'worker.2']);
    expect(complete(script.stdout, dir, ['land', 'restart', 'w'])).toEqual(['worker', 'worker.1', 'worker.2']);
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
    expect(fish.stdout).toMatch(/^complete -c land -n '__fish_seen_subcommand_from logs' -a '\(land completion --names 2>\/dev\/null\)'$/m);
    expect(await landDone(['completion', 'tcsh'], dir)).toMatchObject({ code: 2, stdout: '', stderr: 'land: completion: expected bash, zsh or fish, got "tcsh"\n' });
  }, 60_000);
});
