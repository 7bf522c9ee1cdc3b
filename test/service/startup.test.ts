/**
 * `land startup` / `land startup --remove` / `land unstartup`, by the real CLI, writing real files into a temp
 * HOME and XDG_CONFIG_HOME. systemd's own `systemd-analyze verify` reads the unit. A user manager cannot run on
 * this machine (pid 1 is not systemd), so where a test needs systemctl to succeed, or to fail as it does without
 * systemd, a recording `systemctl` script comes first on PATH (a mock: no real user manager can run here); the
 * missing-systemctl case is real (a PATH without it).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHILD, LAND_BIN, LandRun, landDone, makeProject, removeProjects, ROOT } from '../helpers/land.js';
import { readUnit, tool } from '../export/helpers.js';

const KEY = 'phc_startup_secret_key_141421';
const root = mkdtempSync(join(tmpdir(), 'land-startup-'));
const NODE_DIR = dirname(process.execPath);
afterAll(() => {
  removeProjects();
  rmSync(root, { recursive: true, force: true });
});

let count = 0;
/** A project (app shop, two tiers in a chain), a HOME of its own, and a folder for a recording systemctl. */
function setup(app = 'shop') {
  const n = (count += 1);
  const home = join(root, `home-${n}`);
  const config = join(home, 'config');
  mkdirSync(config, { recursive: true });
  const project = makeProject({
    config: {
      app,
      tiers: {
        db: { command: [process.execPath, CHILD], stop: { timeoutMs: 3000 } },
        api: { command: [process.execPath, CHILD], dependsOn: { db: 'started' }, stop: { timeoutMs: 5000 } },
      },
    },
    profiles: { debug: '', prod: `Authorize=${KEY}\nAPI_TOKEN=tok-startup-secret-1732\n` },
  });
  const bin = join(home, 'bin');
  mkdirSync(bin);
  const calls = join(home, 'systemctl-calls');
  const env = { HOME: home, XDG_CONFIG_HOME: config, PATH: `${bin}:${NODE_DIR}:/usr/bin:/bin` };
  const unitFile = join(config, 'systemd', 'user', `land-${app}.service`);
  /** A systemctl that records its arguments, one call a line, and answers as told. */
  const recordingSystemctl = (exitCode = 0, stderr = '') =>
    writeFileSync(join(bin, 'systemctl'), `#!/bin/sh\necho "$*" >> ${calls}\n${stderr ? `echo '${stderr}' >&2\n` : ''}exit ${exitCode}\n`, { mode: 0o755 });
  const recorded = () => (existsSync(calls) ? readFileSync(calls, 'utf8').split('\n').filter(Boolean) : []);
  return { project, home, bin, env, unitFile, recordingSystemctl, recorded };
}

const booted = existsSync('/run/systemd/system');
const lingering = existsSync(`/var/lib/systemd/linger/${userInfo().username}`);

describe('land startup', () => {
  it('with no systemctl here: writes the user unit, prints what to run, exit 0; the unit runs land up in the project, holds no secret, and systemd-analyze verify accepts it', async () => {
    const { project, bin, env, unitFile } = setup();
    // land and the tiers run by absolute paths: a PATH of one empty folder has no systemctl.
    const result = await landDone(['startup', '--profile', 'prod'], project, { ...env, PATH: bin });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`land: wrote ${unitFile}: \`land up --detached --no-tui --profile prod\` in ${project}, at boot\n`);
    expect(result.stdout).toContain('land: not enabled: systemctl is not installed here; where it runs:\n  systemctl --user daemon-reload\n  systemctl --user enable --now land-shop.service\n');
    const text = readFileSync(unitFile, 'utf8');
    for (const secret of [KEY, 'tok-startup-secret-1732', 'Authorize']) expect(text).not.toContain(secret);
    const unit = readUnit(unitFile);
    expect(unit.Service).toMatchObject({
      Type: ['exec'],
      WorkingDirectory: [project],
      ExecStart: [`${process.execPath} ${realpathSync(LAND_BIN)} up --detached --no-tui --profile prod`],
      KillMode: ['mixed'],
      KillSignal: ['SIGTERM'],
      Restart: ['on-failure'],
      RestartPreventExitStatus: ['2 4'],
    });
    // api stops (5 s + 1 s grace) before db (3 s + 1 s), then the last sweep (1 s) and land's own exit (30 s).
    expect(unit.Service!.TimeoutStopSec).toEqual(['41s']);
    expect(unit.Service!.User).toBeUndefined();
    expect(unit.Install).toEqual({ WantedBy: ['default.target'] });
    const verified = await tool('systemd-analyze', ['verify', '--man=no', `./${unitFile.split('/').at(-1)}`], dirname(unitFile));
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);
  });

  it('enables and starts it: systemctl --user daemon-reload, then enable --now (a recording systemctl); says when lingering is needed', async () => {
    const { project, env, unitFile, recordingSystemctl, recorded } = setup();
    recordingSystemctl();
    const result = await landDone(['startup', 'api', '-c', join(project, 'land.config.mjs'), '--no-dashboard', '--receiver-port', '4999'], join(project, '..'), env);
    expect(result.code, result.stderr).toBe(0);
    expect(recorded()).toEqual(['--user daemon-reload', '--user enable --now land-shop.service']);
    expect(result.stdout).toContain('land: enabled and started land-shop.service: `systemctl --user status land-shop.service`, `journalctl --user -u land-shop.service`, `land status` here\n');
    expect(result.stdout.includes('loginctl enable-linger')).toBe(!lingering);
    const unit = readUnit(unitFile);
    expect(unit.Service!.ExecStart).toEqual([
      `${process.execPath} ${realpathSync(LAND_BIN)} up --detached --no-tui --config ${join(project, 'land.config.mjs')} --receiver-port 4999 --no-dashboard api`,
    ]);
    expect(unit.Service!.Environment).toEqual([`"PATH=${env.PATH}"`]);
  });

  it('--no-enable writes the unit and prints the commands, running none', async () => {
    const { project, env, unitFile, recordingSystemctl, recorded } = setup();
    recordingSystemctl();
    const result = await landDone(['startup', '--no-enable'], project, env);
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(unitFile)).toBe(true);
    expect(recorded()).toEqual([]);
    expect(result.stdout).toContain('land: not enabled (--no-enable); to enable and start it:\n  systemctl --user daemon-reload\n  systemctl --user enable --now land-shop.service\n');
  });

  it('where systemctl fails as it does without systemd as pid 1: the unit is written; exit 0 and the commands where pid 1 is not systemd, else exit 1 with its line', async () => {
    const { project, env, unitFile, recordingSystemctl, recorded } = setup();
    recordingSystemctl(1, "System has not been booted with systemd as init system (PID 1). Can't operate.");
    const result = await landDone(['startup'], project, env);
    expect(existsSync(unitFile)).toBe(true);
    expect(recorded()).toEqual(['--user daemon-reload']);
    if (booted) {
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^land: `systemctl --user daemon-reload` failed: System has not been booted .*; the unit is written \(.*\): mend that and run land startup again\n$/);
    } else {
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/\nland: not enabled: systemd is not running here \(pid 1 is \S+, not systemd\); where it runs:\n {2}systemctl --user daemon-reload\n/);
    }
  });

  it('--remove (and unstartup) disables and deletes the unit; a second time there is nothing to remove', async () => {
    const { project, env, unitFile, recordingSystemctl, recorded } = setup();
    recordingSystemctl();
    expect((await landDone(['startup'], project, env)).code).toBe(0);
    const removed = await landDone(['startup', '--remove'], project, env);
    expect(removed.code, removed.stderr).toBe(0);
    expect(existsSync(unitFile)).toBe(false);
    expect(recorded().slice(2)).toEqual(['--user disable --now land-shop.service', '--user daemon-reload']);
    expect(removed.stdout).toBe(`land: removed ${unitFile} (stopped and disabled land-shop.service first)\n`);
    const again = await landDone(['unstartup'], project, env);
    expect(again).toMatchObject({ code: 0, stdout: `land: no land-shop.service in ${dirname(unitFile)}: nothing to remove\n` });
    expect(recorded()).toHaveLength(4);
    // --app names the unit without reading a config (the project may be gone).
    expect((await landDone(['startup'], project, env)).code).toBe(0);
    const byName = await landDone(['unstartup', '--app', 'shop'], root, env);
    expect(byName.code, byName.stderr).toBe(0);
    expect(existsSync(unitFile)).toBe(false);
  });

  it('bad input: one line naming the flag, exit 2, nothing written', async () => {
    const { project, env, unitFile, recordingSystemctl, recorded } = setup();
    recordingSystemctl();
    const cases: Array<[string[], RegExp]> = [
      [['startup', '--bogus'], /^land: startup: unknown option '--bogus'\n$/],
      [['startup', '--remove', '--profile', 'prod'], /^land: startup: option '--remove' cannot be used with option '-p, --profile <name>'\n$/],
      [['startup', '--receiver-port', 'x'], /--receiver-port <port>' argument 'x' is invalid\. expected a TCP port/],
      [['startup', '--app', 'my shop'], /^land: --app: expected an application name of letters, digits, \., - and _ .*, got "my shop"\n$/],
      [['startup', 'ghost'], /^land: unknown tier "ghost" \(known: (db, api|api, db)\)\n$/],
      [['startup', '--profile', 'nope'], /nope/],
      [['startup', '--remove', 'api'], /^land: --remove: takes no tiers \(it removes the stack's unit\), got api\n$/],
    ];
    for (const [args, message] of cases) {
      const result = await landDone(args, project, env);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.split('\n').filter(Boolean), args.join(' ')).toHaveLength(1);
      expect(result.stderr, args.join(' ')).toMatch(message);
      expect(existsSync(unitFile)).toBe(false);
    }
    expect(recorded()).toEqual([]);
  });

  it('a PATH that holds a secret is refused, not written into the unit', async () => {
    const { project, env, unitFile } = setup();
    const result = await landDone(['startup', '--no-enable'], project, { ...env, PATH: `${env.PATH}:/opt/https://deploy:pw-in-path-2718@host/bin` });
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toBe('land: PATH: holds what looks like a secret, and land-shop.service would carry it: start land startup with a PATH of folders only\n');
    expect(existsSync(unitFile)).toBe(false);
  });

  /**
   * land as nobody must load from a checkout nobody may enter (CI's `mktemp -d`, a 0700 home): a copy of the built
   * CLI (bin, dist/cli, package.json) in a folder anyone can read runs instead.
   */
  function landNobodyCanRead(): string {
    const copy = join(root, 'land-for-nobody');
    if (!existsSync(copy)) {
      chmodSync(root, 0o755);
      for (const part of ['bin', join('dist', 'cli'), 'package.json']) cpSync(join(ROOT, part), join(copy, part), { recursive: true });
    }
    return join(copy, 'bin', 'land.js');
  }

  it('--system by a user who cannot write /etc/systemd/system: the unit (User= that user) goes to .land/startup, with the commands to install it as root', async () => {
    const { project } = setup();
    for (const entry of ['', ...readdirSync(project, { recursive: true }).map(String)]) chownSync(join(project, entry), 65534, 65534);
    const nobody = ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, landNobodyCanRead()];
    const run = spawnSync('setpriv', [...nobody, 'startup', '--system'], { cwd: project, env: { ...process.env, NO_COLOR: '1', HOME: project }, encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    const file = join(project, '.land', 'startup', 'land-shop.service');
    expect(run.stdout).toContain(`land: /etc/systemd/system is not writable by nobody: install it as root:\n  sudo install -m 0644 ${file} /etc/systemd/system/\n  sudo systemctl daemon-reload\n  sudo systemctl enable --now land-shop.service\n`);
    const unit = readUnit(file);
    expect(unit.Service!.User).toEqual(['nobody']);
    expect(unit.Unit).toMatchObject({ Wants: ['network-online.target'], After: ['network-online.target'] });
    expect(unit.Install).toEqual({ WantedBy: ['multi-user.target'] });
  });
});
