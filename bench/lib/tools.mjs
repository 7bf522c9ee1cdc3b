// The peers, installed at bench time and never into package.json: concurrently and pm2 into bench/.tools (gitignored),
// supervisord and tmux from Debian when absent. Anything that cannot be installed is reported, not fatal.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR } from './paths.mjs';

export const TOOLS_DIR = join(BENCH_DIR, '.tools');
const NPM_PEERS = ['concurrently', 'pm2'];

function run(file, args, options = {}) {
  const result = spawnSync(file, args, { encoding: 'utf8', timeout: 300_000, ...options });
  return { ok: result.status === 0, out: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim(), error: result.error };
}

const which = (name) => run('sh', ['-c', `command -v ${name}`]).out || undefined;

function npmPeerVersion(name) {
  const file = join(TOOLS_DIR, 'node_modules', name, 'package.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).version : undefined;
}

function ensureNpmPeers(log) {
  if (NPM_PEERS.every(npmPeerVersion)) return;
  log(`installing ${NPM_PEERS.join(' and ')} into bench/.tools …`);
  const result = run('npm', ['install', '--prefix', TOOLS_DIR, '--no-save', '--no-audit', '--no-fund', ...NPM_PEERS]);
  if (!result.ok) log(`npm install failed: ${result.out.split('\n').slice(-3).join(' ')}`);
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
  for (const name of NPM_PEERS) {
    const version = npmPeerVersion(name);
    tools[name] = version ? { ok: true, version } : { ok: false, reason: `${name} could not be installed into bench/.tools` };
  }
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

export function landVersion() {
  try {
    return execFileSync(process.execPath, [join(BENCH_DIR, '..', 'bin', 'land.js'), '--version'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}
