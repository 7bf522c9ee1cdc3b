// The peers, installed at bench time and never into package.json: concurrently, pm2, mprocs and foreman (nf) into
// bench/.tools (gitignored), supervisord and tmux from Debian when absent. Anything that cannot be installed or run
// is reported, not fatal.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { BENCH_DIR } from './paths.mjs';

export const TOOLS_DIR = join(BENCH_DIR, '.tools');
/** name → what npm installs. mprocs and foreman are pinned: the versions checked to run here (mprocs ships a native binary per platform). */
const NPM_PEERS = { concurrently: 'concurrently', pm2: 'pm2', mprocs: 'mprocs@0.9.6', foreman: 'foreman@3.0.1' };

function run(file, args, options = {}) {
  const result = spawnSync(file, args, { encoding: 'utf8', timeout: 300_000, ...options });
  return { ok: result.status === 0, out: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim(), error: result.error };
}

const which = (name) => run('sh', ['-c', `command -v ${name}`]).out || undefined;

function npmPeerVersion(name) {
  const file = join(TOOLS_DIR, 'node_modules', name, 'package.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).version : undefined;
}

const npmInstall = (specs) => run('npm', ['install', '--prefix', TOOLS_DIR, '--no-save', '--no-audit', '--no-fund', ...specs]);

/** All missing peers in one install; when that fails, one by one, so one peer that cannot be had costs only itself. */
function ensureNpmPeers(log) {
  const missing = Object.keys(NPM_PEERS).filter((name) => !npmPeerVersion(name));
  if (missing.length === 0) return;
  log(`installing ${missing.join(', ')} into bench/.tools …`);
  if (npmInstall(missing.map((name) => NPM_PEERS[name])).ok) return;
  for (const name of missing) {
    const result = npmInstall([NPM_PEERS[name]]);
    if (!result.ok) log(`npm install ${NPM_PEERS[name]} failed: ${result.out.split('\n').slice(-3).join(' ')}`);
  }
}

/** mprocs: the package's own choice of native binary for this platform, and that it runs. */
function mprocsTool() {
  const version = npmPeerVersion('mprocs');
  if (!version) return { ok: false, reason: 'mprocs could not be installed into bench/.tools' };
  let path;
  try {
    path = mprocsBin();
  } catch {
    return { ok: false, reason: `mprocs ${version} has no binary for ${process.platform}-${process.arch}` };
  }
  const check = run(path, ['--version'], { timeout: 10_000 });
  return check.ok ? { ok: true, version, path } : { ok: false, reason: `mprocs ${version}'s binary does not run here: ${check.error?.message ?? check.out}` };
}

let aptUpdated = false;
function aptInstall(pkg, log) {
  const attempt = () => run('apt-get', ['install', '-y', '-q', pkg], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  log(`installing ${pkg} with apt-get …`);
  let result = attempt();
  if (!result.ok && !aptUpdated) {
    aptUpdated = true;
    run('apt-get', ['update', '-q']);
    result = attempt();
  }
  if (!result.ok) log(`apt-get install ${pkg} failed: ${result.out.split('\n').slice(-2).join(' ')}`);
}

/** Installs what is missing; returns { name: { ok, version?, path?, reason? } }. */
export function ensureTools(log) {
  ensureNpmPeers(log);
  if (!which('supervisord')) aptInstall('supervisor', log);
  if (!which('tmux')) aptInstall('tmux', log);
  const tools = {};
  for (const name of Object.keys(NPM_PEERS)) {
    const version = npmPeerVersion(name);
    tools[name] = version ? { ok: true, version } : { ok: false, reason: `${name} could not be installed into bench/.tools` };
  }
  tools.mprocs = mprocsTool();
  const supervisord = which('supervisord');
  tools.supervisord = supervisord
    ? { ok: true, path: supervisord, version: run(supervisord, ['--version']).out }
    : { ok: false, reason: 'supervisord not found and `apt-get install supervisor` failed' };
  const tmux = which('tmux');
  tools.tmux = tmux ? { ok: true, path: tmux, version: run(tmux, ['-V']).out } : { ok: false, reason: 'tmux not found and could not be installed' };
  return tools;
}

export const concurrentlyBin = () => join(TOOLS_DIR, 'node_modules', 'concurrently', 'dist', 'bin', 'concurrently.js');
export const pm2Bin = () => join(TOOLS_DIR, 'node_modules', 'pm2', 'bin', 'pm2');
/** The native binary the mprocs package picks for this platform (its index.js throws where it ships none). */
export const mprocsBin = () => createRequire(import.meta.url)(join(TOOLS_DIR, 'node_modules', 'mprocs'));
export const nfBin = () => join(TOOLS_DIR, 'node_modules', 'foreman', 'nf.js');

export function landVersion() {
  try {
    return execFileSync(process.execPath, [join(BENCH_DIR, '..', 'bin', 'land.js'), '--version'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}
