/**
 * Taking the control socket: a socket nobody answers on (left by a land that died) is removed and replaced; one that
 * answers belongs to a live land, which is refused in one line naming its pid. The socket is made 0600 right after
 * bind; the folder is 0700, so it is never reachable by another user in between.
 */
import { chmodSync, lstatSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import { displayPath } from '../config/display-path.js';
import { InputError } from '../errors.js';
import { requestJson } from './client.js';
import { EXIT_CONFLICT } from './exit-codes.js';
import type { HealthBody } from './protocol.js';

export type SocketState = 'absent' | 'stale' | 'live';

export function probeSocket(path: string): Promise<SocketState> {
  try {
    lstatSync(path);
  } catch {
    return Promise.resolve('absent');
  }
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve('live');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ENOENT' ? 'absent' : 'stale'));
  });
}

async function refuseLive(path: string): Promise<never> {
  let who = 'another land';
  try {
    const health = await requestJson<HealthBody>(path, 'GET', '/health');
    who = `land pid ${health.pid}, boot ${health.bootId}`;
  } catch {
    // It answered the connect but not the question; still not ours to take.
  }
  throw new InputError(`a stack is already running here (${who}, socket ${displayPath(path)}); stop it with \`land down\``, EXIT_CONFLICT);
}

function removeStale(path: string): void {
  if (!lstatSync(path).isSocket()) throw new InputError(`${displayPath(path)}: expected the control socket, found another kind of file`);
  rmSync(path, { force: true });
}

function bind(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(error);
    server.once('error', onError);
    server.listen(path, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** Before anything is started: refuse when a live land answers on the socket. */
export async function refuseIfLive(path: string): Promise<void> {
  if ((await probeSocket(path)) === 'live') await refuseLive(path);
}

export async function listenOnSocket(server: Server, path: string): Promise<void> {
  const state = await probeSocket(path);
  if (state === 'live') await refuseLive(path);
  if (state === 'stale') removeStale(path);
  try {
    await bind(server, path);
  } catch (error) {
    // Someone bound it between the probe and the bind.
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') await refuseLive(path);
    throw error;
  }
  chmodSync(path, 0o600);
}
