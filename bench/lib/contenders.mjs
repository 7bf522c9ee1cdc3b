// Launching the same children under each contender, and stopping them the way its users would.
// A run: { id, pid, launchedAt, exited (Promise, resolves with performance.now() when the tool is gone), outputs
// (files that receive the children's lines), roots() (pids of the tool's own processes to walk), stop() (sends the
// stop request, returns when it was sent), close() (everything gone, temp dir removed) }.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { BASELINE, LAND_BIN } from './paths.mjs';
import { isAlive, killAll, treeOf } from './procs.mjs';
import { LAND_TS_CONTENDERS, warmConfigCache, writeTypeScriptConfig } from './land-ts.mjs';
import { concurrentlyBin, mprocsBin, nfBin, pm2Bin } from './tools.mjs';
import { ensureServer, sendKeys, tmuxWindow } from './tmux.mjs';

/** Keys that would switch land's telemetry on from the harness's own environment. */
const TELEMETRY_KEYS = ['Authorize', 'Beam', 'Capture', 'Report', 'OTLPEnabled', 'Emit', 'OTLPEndpoint', 'Pipe', 'Record', 'TRACEPARENT'];

export function cleanEnv(extra = {}) {
  const env = { ...process.env, NO_COLOR: '1' };
  for (const key of TELEMETRY_KEYS) delete env[key];
  for (const key of Object.keys(env)) if (key.startsWith('LAND_') || key.startsWith('PM2_')) delete env[key];
  return { ...env, ...extra };
}

/**
 * `BENCH_CHRT=<priority>`: the measured tool (land, the baseline) starts under `chrt -f <priority> -R` (SCHED_FIFO,
 * reset on fork: its children run as normal processes), so a shared machine's load preempts it less; the harness
 * itself never runs at that priority (a harness spinning at SCHED_FIFO starves everyone). chrt execs the tool: the
 * pid is the tool's.
 */
function measured(file, args) {
  const priority = process.env.BENCH_CHRT;
  return priority ? ['chrt', ['-R', '-f', priority, file, ...args]] : [file, args];
}

const shellQuote = (arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`);

/** stdio for the tool: its stdout and stderr to a file, or nowhere. */
function openStdout(dir, toFile) {
  if (!toFile) return { stdio: ['ignore', 'ignore', 'ignore'], outputs: [], done: () => {} };
  const file = join(dir, 'stdout.log');
  const fd = openSync(file, 'w');
  return { stdio: ['ignore', fd, fd], outputs: [file], done: () => closeSync(fd) };
}

function exitOf(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(performance.now());
    child.once('exit', () => resolve(performance.now()));
    child.once('error', () => resolve(performance.now()));
  });
}

/** For processes that are not our children (tmux panes, daemons): poll. */
async function pollGone(pids, pollMs = 5) {
  while (pids.some(isAlive)) await sleep(pollMs);
  return performance.now();
}

function baseRun(id, dir, pid, exited, outputs) {
  return {
    id,
    dir,
    pid,
    exited,
    outputs,
    roots: () => [pid],
    async close() {
      killAll(treeOf(this.roots()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * `extra`: more top-level config keys (the receiver scenario's `receiver`). `typescript`: a `land.config.ts` as
 * people write it (bench/lib/land-ts.mjs) instead of the plain `.mjs`.
 */
function landConfig(dir, children, extra = {}, { typescript = false } = {}) {
  const tiers = Object.fromEntries(children.map(({ name, argv }) => [name, { command: argv }]));
  const config = { app: 'bench', ...extra, tiers };
  const file = typescript ? writeTypeScriptConfig(dir, config) : join(dir, 'land.config.mjs');
  if (!typescript) writeFileSync(file, `export default ${JSON.stringify(config, null, 2)};\n`);
  mkdirSync(join(dir, 'profiles'), { recursive: true });
  writeFileSync(join(dir, 'profiles', 'debug.env'), '');
  return ['up', '--config', file, '--profile', 'debug'];
}

/**
 * The Procfile runners (nf, foreman): a Procfile in dir, `start`, stdout to a file or nowhere. The runner leads its
 * own process group, as a shell puts a job, and the stop is Ctrl-C: what the terminal sends to that whole group.
 */
function procfileRun(id, dir, children, toFile, [file, ...args]) {
  writeFileSync(join(dir, 'Procfile'), children.map(({ name, argv }) => `${name}: ${argv.map(shellQuote).join(' ')}\n`).join(''));
  const out = openStdout(dir, toFile);
  const launchedAt = performance.now();
  const child = spawn(file, args, { cwd: dir, stdio: out.stdio, env: cleanEnv(), detached: true });
  out.done();
  const run = baseRun(id, dir, child.pid, exitOf(child), out.outputs);
  run.launchedAt = launchedAt;
  run.stop = async () => (process.kill(-child.pid, 'SIGINT'), performance.now());
  return run;
}

/**
 * `land up --no-tui`; `typescript`: with a land.config.ts, `warm` or not (land-ts.mjs), `env`: more for land; `bin`:
 * another build's bin/land.js (bench/startup-ab.mjs, bench/relay-ab.mjs).
 */
function launchLand(id, { dir, children, toFile, env = {}, nodeArgs = [], config = {}, bin = LAND_BIN }, typescript) {
  const args = landConfig(dir, children, config, { typescript: Boolean(typescript) });
  if (typescript?.warm) warmConfigCache(args[2], cleanEnv(env), bin);
  const out = openStdout(dir, toFile);
  const launchedAt = performance.now();
  const child = spawn(...measured(process.execPath, [...nodeArgs, bin, ...args, '--no-tui']), { cwd: dir, stdio: out.stdio, env: cleanEnv({ ...env, ...typescript?.env }) });
  out.done();
  const run = baseRun(id, dir, child.pid, exitOf(child), out.outputs);
  run.launchedAt = launchedAt;
  run.stop = async () => (child.kill('SIGINT'), performance.now());
  return run;
}

const CONTENDERS = {
  baseline: {
    label: 'baseline (spawn)',
    needs: [],
    launch({ dir, children, toFile, nodeArgs = [] }) {
      const out = openStdout(dir, toFile);
      const launchedAt = performance.now();
      const child = spawn(...measured(process.execPath, [...nodeArgs, BASELINE, JSON.stringify(children.map((c) => c.argv))]), { cwd: dir, stdio: out.stdio, env: cleanEnv() });
      out.done();
      const run = baseRun('baseline', dir, child.pid, exitOf(child), out.outputs);
      run.launchedAt = launchedAt;
      run.stop = async () => (child.kill('SIGINT'), performance.now());
      return run;
    },
  },

  land: {
    label: 'land (plain)',
    needs: [],
    launch: (options) => launchLand('land', options),
  },

  ...LAND_TS_CONTENDERS(launchLand),

  'land-ui': {
    label: 'land (UI, tmux)',
    needs: ['tmux'],
    launch({ dir, children, env = {}, noTui = false, nodeArgs = [], bin = LAND_BIN }) {
      const args = landConfig(dir, children);
      const command = [process.execPath, ...nodeArgs, bin, ...args, ...(noTui ? ['--no-tui'] : [])];
      ensureServer(cleanEnv());
      const launchedAt = performance.now();
      const pid = tmuxWindow(dir, command, env, cleanEnv());
      const run = baseRun('land-ui', dir, pid, pollGone([pid]), []);
      run.launchedAt = launchedAt;
      run.stop = async () => (process.kill(pid, 'SIGINT'), performance.now());
      return run;
    },
  },

  concurrently: {
    label: 'concurrently',
    needs: ['concurrently'],
    launch({ dir, children, toFile }) {
      const out = openStdout(dir, toFile);
      const args = [concurrentlyBin(), '--names', children.map((c) => c.name).join(','), ...children.map((c) => c.argv.map(shellQuote).join(' '))];
      const launchedAt = performance.now();
      const child = spawn(process.execPath, args, { cwd: dir, stdio: out.stdio, env: cleanEnv() });
      out.done();
      const run = baseRun('concurrently', dir, child.pid, exitOf(child), out.outputs);
      run.launchedAt = launchedAt;
      run.stop = async () => (child.kill('SIGINT'), performance.now());
      return run;
    },
  },

  mprocs: {
    label: 'mprocs (tmux)',
    needs: ['mprocs', 'tmux'],
    launch({ dir, children, toFile }) {
      // JSON is YAML: mprocs reads it as its mprocs.yaml. `cmd`: argv as is, no shell.
      const procs = Object.fromEntries(children.map(({ name, argv }) => [name, { cmd: argv }]));
      const config = join(dir, 'mprocs.yaml');
      writeFileSync(config, `${JSON.stringify({ procs }, null, 2)}\n`);
      // Its own log files (--log-dir) only when the lines are measured: its default is the terminal alone.
      const logs = join(dir, 'logs');
      const args = ['--config', config, ...(toFile ? ['--log-dir', logs] : [])];
      ensureServer(cleanEnv());
      const launchedAt = performance.now();
      // The native binary itself: the npm package's `mprocs` is a node script that spawns it and waits.
      const pid = tmuxWindow(dir, [mprocsBin(), ...args], {}, cleanEnv());
      const run = baseRun('mprocs', dir, pid, pollGone([pid]), toFile ? children.map(({ name }) => join(logs, `${name}.log`)) : []);
      run.launchedAt = launchedAt;
      // `q` in the process list: "quit (soft kill processes and wait then to exit)", what its users press.
      run.stop = async () => (sendKeys(pid, 'q'), performance.now());
      return run;
    },
  },

  nf: {
    label: 'nf (foreman, Node)',
    needs: ['nf'],
    launch: ({ dir, children, toFile }) => procfileRun('nf', dir, children, toFile, [process.execPath, nfBin(), 'start']),
  },

  foreman: {
    label: 'foreman (Ruby)',
    needs: ['foreman'],
    launch: ({ dir, children, toFile }) => procfileRun('foreman', dir, children, toFile, ['foreman', 'start']),
  },

  pm2: {
    label: 'pm2',
    needs: ['pm2'],
    launch({ dir, children }) {
      const home = join(dir, 'pm2home');
      mkdirSync(home);
      const env = cleanEnv({ PM2_HOME: home });
      const apps = children.map(({ name, argv: [file, ...args] }) => ({
        name,
        script: file,
        args,
        interpreter: 'none',
        exec_mode: 'fork',
        autorestart: false,
        out_file: join(dir, `${name}.out.log`),
        error_file: join(dir, `${name}.err.log`),
      }));
      const eco = join(dir, 'ecosystem.config.cjs');
      writeFileSync(eco, `module.exports = ${JSON.stringify({ apps }, null, 2)};\n`);
      const launchedAt = performance.now();
      const cli = spawn(process.execPath, [pm2Bin(), 'start', eco], { cwd: dir, stdio: 'ignore', env });
      const daemonPid = () => {
        try {
          return Number(readFileSync(join(home, 'pm2.pid'), 'utf8'));
        } catch {
          return undefined;
        }
      };
      let daemon;
      const roots = () => {
        daemon ??= daemonPid();
        return [cli.pid, daemon].filter(Boolean);
      };
      const cliDone = exitOf(cli);
      const run = baseRun('pm2', dir, cli.pid, undefined, apps.map((app) => app.out_file));
      run.launchedAt = launchedAt;
      run.roots = roots;
      // pm2 is gone when its daemon is gone (the start command exits on its own once the apps are launched).
      let stopped;
      run.exited = new Promise((resolve) => (stopped = resolve));
      run.stop = async () => {
        await cliDone;
        const pid = (daemon ??= daemonPid());
        const at = performance.now();
        const kill = spawn(process.execPath, [pm2Bin(), 'kill'], { cwd: dir, stdio: 'ignore', env });
        void Promise.all([exitOf(kill), pid ? pollGone([pid]) : 0]).then(() => stopped(performance.now()));
        return at;
      };
      run.close = async () => {
        await cliDone;
        const pid = (daemon ??= daemonPid());
        if (pid && isAlive(pid)) {
          spawnSync(process.execPath, [pm2Bin(), 'kill'], { cwd: dir, stdio: 'ignore', env, timeout: 20_000 });
        }
        killAll(treeOf(roots()));
        stopped?.(performance.now());
        rmSync(dir, { recursive: true, force: true });
      };
      return run;
    },
  },

  supervisord: {
    label: 'supervisord',
    needs: ['supervisord'],
    launch({ dir, children }) {
      const programs = children.map(({ name, argv }) =>
        [
          `[program:${name}]`,
          `command=${argv.map(shellQuote).join(' ').replaceAll('%', '%%')}`,
          'autostart=true',
          'autorestart=false',
          'startsecs=0',
          'stopsignal=TERM',
          'stopasgroup=true',
          'killasgroup=true',
          'stopwaitsecs=10',
          `stdout_logfile=${join(dir, `${name}.out.log`)}`,
          'stdout_logfile_maxbytes=0',
          'redirect_stderr=true',
        ].join('\n'),
      );
      const conf = join(dir, 'supervisord.conf');
      writeFileSync(
        conf,
        [
          '[supervisord]',
          'nodaemon=true',
          'user=root',
          `logfile=${join(dir, 'supervisord.log')}`,
          `pidfile=${join(dir, 'supervisord.pid')}`,
          `childlogdir=${dir}`,
          'loglevel=warn',
          ...programs,
          '',
        ].join('\n'),
      );
      const launchedAt = performance.now();
      const child = spawn('supervisord', ['-c', conf], { cwd: dir, stdio: 'ignore', env: cleanEnv() });
      const run = baseRun('supervisord', dir, child.pid, exitOf(child), children.map(({ name }) => join(dir, `${name}.out.log`)));
      run.launchedAt = launchedAt;
      run.stop = async () => (child.kill('SIGINT'), performance.now());
      return run;
    },
  },
};

export const CONTENDER_IDS = Object.keys(CONTENDERS);
export const labelOf = (id) => CONTENDERS[id]?.label ?? id;

/** Which contenders can run, given the tools: { id: { ok, reason? } }. */
export function availability(tools) {
  const out = {};
  for (const [id, c] of Object.entries(CONTENDERS)) {
    const missing = c.needs.filter((need) => !tools[need]?.ok);
    out[id] = missing.length === 0 ? { ok: true } : { ok: false, reason: missing.map((m) => tools[m]?.reason ?? `${m} missing`).join('; ') };
  }
  return out;
}

/**
 * Launch `children` ([{ name, argv }]) under a contender in a fresh temp dir. Options: toFile (tool stdout to a
 * file), env (extra environment for land), config (more keys for land's config), noTui (land-ui: the same tmux terminal, plain output), nodeArgs (land:
 * flags for node itself, such as --cpu-prof; baseline, land and land-ui), bin (land, land-ui: another build's bin/land.js, for A/B runs).
 */
export function launch(id, children, options = {}) {
  const dir = mkdtempSync(join(tmpdir(), `land-bench-${id}-`));
  const run = CONTENDERS[id].launch({ dir, children, ...options });
  active.add(run);
  const close = run.close.bind(run);
  run.close = async () => {
    await close();
    active.delete(run);
  };
  return run;
}

/** Runs not closed yet (an interrupted bench closes them on its way out). */
const active = new Set();

export async function closeAll() {
  for (const run of [...active]) await run.close().catch(() => {});
}

