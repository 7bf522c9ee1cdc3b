/**
 * Faults: land's parent goes away without passing a signal on. `npm run up` stopped with SIGTERM (what IDE stop
 * buttons and container runtimes do: npm forwards it to the shell of the script, not to land), or the shell around
 * land killed outright: the stack comes down gracefully. A land deliberately detached (nohup, `&` then `disown`,
 * --detached) keeps running, and nohup's and --detached's lands ignore a hangup.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { LAND_BIN, isAlive, makeProject, markedProcesses, removeProjects, waitUntil } from '../helpers/land.js';
import { tierWhen } from './support.js';
import { READY, downLeftovers, landOf, readText, sinkChild, stoppedGracefully, type Leftover } from './sink-support.js';

const leftovers: Leftover[] = [];
// The tests run side by side (each its own project and land): one clean-up after all of them, which an afterEach
// would do to the others' lands. After-hooks run in reverse: the lands go, then the projects.
afterAll(removeProjects);
afterAll(() => downLeftovers(leftovers));

/** Two tiers that record a graceful stop, and a package.json whose `up` script runs land as npm users do. */
function project(): string {
  const dir = makeProject({ config: { tiers: {} } });
  const tiers = { ticker: { command: sinkChild('--tick', 200, '--stopped-dir', dir), ready: READY }, quiet: { command: sinkChild('--stopped-dir', dir), ready: READY } };
  writeFileSync(join(dir, 'land.config.mjs'), `export default ${JSON.stringify({ tiers })};\n`);
  const scripts = { up: `node ${LAND_BIN} up --no-tui > out.txt 2>&1` };
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'parent-gone', version: '1.0.0', private: true, scripts }));
  return dir;
}

async function bothReady(dir: string): Promise<void> {
  for (const name of ['ticker', 'quiet']) await tierWhen(dir, name, (tier) => tier.state === 'ready', 'ready');
}

/** The command name of a process's parent (`sh` for a land run by a shell that waits for it). */
function parentName(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  return readFileSync(`/proc/${ppid}/comm`, 'utf8').trim();
}

const ways: Array<[string, (dir: string) => { kill(): void }]> = [
  [
    '`npm run up` stopped with SIGTERM (npm forwards it to the script\'s shell only)',
    (dir) => {
      const npm = spawn('npm', ['run', 'up'], { cwd: dir, stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
      return { kill: () => npm.kill('SIGTERM') };
    },
  ],
  [
    'the shell that runs land killed with SIGKILL',
    (dir) => {
      const shell = spawn('sh', ['-c', `node ${LAND_BIN} up --no-tui > out.txt 2>&1; echo never`], { cwd: dir, stdio: 'ignore' });
      return { kill: () => shell.kill('SIGKILL') };
    },
  ],
];

// Each parent lives until land runs (its pid file) and a moment more, so that land sees it go.
const thenLeave = 'until [ -f .land/run/land.pid ]; do sleep 0.1; done; sleep 1';
const detachings = [
  { how: 'nohup', script: `nohup node ${LAND_BIN} up --no-tui > out.txt 2>&1 & ${thenLeave}`, why: /started through nohup/, hangup: true },
  { how: 'disown', script: `set -m; node ${LAND_BIN} up --no-tui > out.txt 2>&1 & disown; ${thenLeave}`, why: /leads its own process group/, hangup: false },
  { how: '--detached', script: `node ${LAND_BIN} up --no-tui --detached > out.txt 2>&1 & ${thenLeave}`, why: /started with --detached/, hangup: true },
];

// Side by side: each test has its own project and land, and mostly waits on land (its parent's going, its stops).
describe.concurrent("fault: land's parent goes away without passing a signal on", () => {
  it.each(ways)('%s: land stops every tier with its signal and exits, nothing left', async (_how, start) => {
    const dir = project();
    const parent = start(dir);
    const live = await landOf(dir);
    leftovers.push(live);
    await bothReady(dir);
    expect(parentName(live.pid)).toBe('sh'); // land's parent is the shell that dies, not npm
    parent.kill();
    await waitUntil(() => !isAlive(live.pid), 30_000, 'land to stop its stack and exit');
    expect(stoppedGracefully(dir), readText(join(dir, 'out.txt')).replace(/^ticker .*\n/gm, '')).toEqual(['quiet', 'ticker']);
    expect(markedProcesses(live.bootId)).toEqual([]);
    const out = readText(join(dir, 'out.txt'));
    expect(out).toMatch(/parent process \d+ went away without stopping land .*: shutting the stack down/);
    expect(out).toMatch(/every tier stopped/);
  });

  // One test per way (it was one test that went through the three in turn).
  it.each(detachings)('deliberately detached ($how): the stack keeps running after the parent has gone, nohup and --detached ignore SIGHUP, `land down` stops it', async ({ how, script, why, hangup }) => {
    const dir = project();
    spawn('bash', ['-c', script], { cwd: dir, stdio: 'ignore' });
    const live = await landOf(dir);
    leftovers.push(live);
    await bothReady(dir);
    await waitUntil(() => /parent process \d+ went away; the stack keeps running/.test(readText(join(dir, 'out.txt'))), 20_000, `${how}: land to see its parent go`);
    expect(readText(join(dir, 'out.txt')), how).toMatch(why);
    if (hangup) {
      process.kill(live.pid, 'SIGHUP');
      await waitUntil(() => /SIGHUP ignored: this land is detached/.test(readText(join(dir, 'out.txt'))), 10_000, `${how}: SIGHUP ignored`);
    }
    await sleep(600);
    expect(isAlive(live.pid), how).toBe(true);
    expect((await tierWhen(dir, 'ticker', (tier) => tier.state === 'ready', 'ready')).state).toBe('ready');
    expect(stoppedGracefully(dir), how).toEqual([]);
    // land down of this land only (the others' run beside it).
    await downLeftovers(leftovers.splice(leftovers.indexOf(live), 1));
    expect(stoppedGracefully(dir), how).toEqual(['quiet', 'ticker']);
    expect(markedProcesses(live.bootId), how).toEqual([]);
  }, 120_000);
});
