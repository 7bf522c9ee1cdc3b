/**
 * A land held while it closes: a client started then (`land down`, `land status`) finds it exiting however long the
 * client itself takes to start on a loaded machine. Without the hold, that window was land's drain and last flush,
 * which CI's load missed more than once (and the flush is instant once a failed host was marked unavailable).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LandRun } from './land.js';
import { slowFollower } from './slow-follower.js';

/** Whether the control socket takes no new connection: gone, refused, or closed at once (a closing server). */
function refuses(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    // A serving land keeps an idle connection open: one still open after this long was accepted.
    const timer = setTimeout(() => {
      resolve(false);
      socket.destroy();
    }, 200);
    const refused = () => {
      clearTimeout(timer);
      resolve(true);
    };
    socket.once('error', refused).once('close', refused);
  });
}

/**
 * Once land's control socket refuses connections (its shutdown over, its drain under way, its pid record there until
 * its exit), stops land with SIGSTOP and removes the socket's path, as land's close will: a client then finds no
 * socket (a stopped land's listening socket would still take its connection, and the client would wait for an
 * answer) and reads the pid record. `release` lets land go on (SIGCONT).
 */
export async function holdClosingLand(socketPath: string, pid: number, timeoutMs = 30_000): Promise<{ release(): void }> {
  const deadline = Date.now() + timeoutMs;
  while (!(await refuses(socketPath))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${socketPath} to refuse connections`);
    await sleep(10);
  }
  process.kill(pid, 'SIGSTOP');
  rmSync(socketPath, { force: true });
  return { release: () => process.kill(pid, 'SIGCONT') };
}

/**
 * The shutdown of `run`'s stack with a slow follower behind on its tier `f` (`--say waiting --after-file go --flood
 * N`): the follower keeps land's closing control server draining, so that holdClosingLand catches land closing.
 * Resolves with the hold once `stopped` is printed and land is held; the follower goes then, so that land's drain
 * ends as soon as land goes on, not at its 10 s bound.
 */
export async function shutDownAndHold(run: LandRun, dir: string, stopped: RegExp): Promise<{ release(): void }> {
  const socket = join(dir, '.land', 'run', 'land.sock');
  const follower = await slowFollower(socket, '/tiers/f/logs?follow=1&format=text');
  try {
    await run.waitFor(/f +\| waiting/);
    writeFileSync(join(dir, 'go'), '');
    await run.waitFor(/flood done/);
    run.proc.kill('SIGINT');
    await run.waitFor(stopped);
    return await holdClosingLand(socket, run.proc.pid!);
  } finally {
    follower.stop();
  }
}
