// The peers, installed at bench time and never into package.json: concurrently, pm2, mprocs and foreman's Node port
// (nf) into bench/.tools (gitignored); supervisord, foreman (Ruby) and tmux from Debian when absent. Anything that cannot be installed or run
// is reported, not fatal.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { BENCH_DIR } from './paths.mjs';

export const TOOLS_DIR = join(BENCH_DIR, '.tools');
/**
 * tool → npm package (and version). mprocs and foreman (whose command is `nf`) are pinned: the versions checked to
 * run here (mprocs ships a native binary per platform).
 */
const NPM_PEERS = { concurrently: ['concurrently'], pm2: ['pm2'], mprocs: ['mprocs', '0.9.6'], nf: ['foreman', '3.0.1'] };
const specOf = (tool) => NPM_PEERS[tool].join('@');

function run(file, args, options = {}) {
  const result = spawnSync(file, args, { encoding: 'utf8', timeout: 300_000, ...options });
  return { ok: result.status === 0, out: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim(), error: result.error };
}

const which = (name) => run('sh', ['-c', `command -v ${name}`]).out || undefined;

function npmPeerVersion(tool) {
  const file = join(TOOLS_DIR, 'node_modules', NPM_PEERS[tool][0], 'package.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).version : undefined;
}

/**
 * Each install is recorded in bench/.tools/package.json: `npm install --no-save` into a folder without one prunes
 * every package an earlier install put there, so installing one missing peer used to remove the others.
 */
function npmInstall(specs) {
  const manifest = join(TOOLS_DIR, 'package.json');
  if (!existsSync(manifest)) {
    mkdirSync(TOOLS_DIR, { recursive: true });
    writeFileSync(manifest, '{ "private": true }\n');
  }
  return run('npm', ['install', '--prefix', TOOLS_DIR, '--save-exact', '--no-audit', '--no-fund', ...specs]);
}

/** All missing peers in one install; when that fails, one by one, so one peer that cannot be had costs only itself. */
function ensureNpmPeers(log) {
  const missing = Object.keys(NPM_PEERS).filter((tool) => !npmPeerVersion(tool));
  if (missing.length === 0) return;
  log(`installing ${missing.map(specOf).join(', ')} into bench/.tools …`);
  if (npmInstall(missing.map(specOf)).ok) return;
  for (const tool of missing) {
    const result = npmInstall([specOf(tool)]);
    if (!result.ok) log(`npm install ${specOf(tool)} failed: ${result.out.split('\n').slice(-3).join(' ')}`);
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
  if (!which('foreman')) aptInstall('ruby-foreman', log);
  const tools = {};
  for (const tool of Object.keys(NPM_PEERS)) {
    const version = npmPeerVersion(tool);
    tools[tool] = version ? { ok: true, version } : { ok: false, reason: `${specOf(tool)} could not be installed into bench/.tools` };
  }
  tools.mprocs = mprocsTool();
  const supervisord = which('supervisord');
  tools.supervisord = supervisord
    ? { ok: true, path: supervisord, version: run(supervisord, ['--version']).out }
    : { ok: false, reason: 'supervisord not found and `apt-get install supervisor` failed' };
  const foreman = which('foreman');
  tools.foreman = foreman
    ? { ok: true, path: foreman, version: run(foreman, ['version']).out }
    : { ok: false, reason: 'foreman (Ruby) not found and `apt-get install ruby-foreman` failed' };
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
