/**
 * The close's drain (src/control/drain.ts) on a real unix socket, with a reader in its own process: a reader that
 * keeps reading, slowly, gets its whole answer; one that stopped is cut off. A unix socket shows a slow reader's
 * progress only in steps (a send buffer's worth, ~200 KB here): reading 16 KiB every 150 ms, a step every ~2 s.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Connections, drainConnections } from '../../src/control/drain.js';
import { waitUntil } from '../helpers/land.js';

/** Reads 16 KiB every 150 ms, `stopAfter` reads at most; prints `got <bytes> <whole>` at the answer's end or cut. */
const READER = `
const { request } = require('node:http');
const [socketPath, stopAfter] = process.argv.slice(1);
let got = 0;
let reads = 0;
const req = request({ socketPath, path: '/', agent: false }, (res) => {
  res.pause();
  const done = (whole) => { process.stdout.write('got ' + got + ' ' + whole + '\\n'); process.exit(0); };
  res.on('end', () => done(res.complete));
  res.on('close', () => done(false));
  res.on('error', () => undefined);
  // Told to read again (after the close): a reader that stopped sees the cut only once it reads.
  process.on('SIGUSR1', () => { reads = -Infinity; res.on('data', (chunk) => (got += chunk.length)).resume(); });
  setInterval(() => {
    if (reads < 0 || reads++ >= Number(stopAfter)) return;
    const chunk = res.read(16384);
    if (chunk) got += chunk.length;
  }, 150);
});
req.on('error', () => undefined);
req.end();
`;

const TOTAL = 1_600_000;
/** The drain starts once the reader has taken this much: what is left takes it ~6 s at its pace. */
const TAKEN_AT_CLOSE = 1_000_000;

// One hook after both tests: they run side by side, and an afterEach would end the other's server and reader.
const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A server that answers with TOTAL bytes in 64 KiB pieces (the next once the last was taken, as land's log stream). */
async function slowAnswerServer() {
  const dir = mkdtempSync(join(tmpdir(), 'land-drain-'));
  const path = join(dir, 'drain.sock');
  const connections = new Connections();
  let answer: ServerResponse | undefined;
  const server: Server = createServer((_req, res) => {
    answer = res;
    res.writeHead(200).flushHeaders();
    let sent = 0;
    const flush = () => {
      while (sent < TOTAL) {
        const piece = 'x'.repeat(Math.min(65536, TOTAL - sent));
        sent += piece.length;
        if (!res.write(piece)) return res.once('drain', flush);
      }
      res.end();
    };
    flush();
  });
  connections.track(server);
  await new Promise<void>((resolve) => server.listen(path, resolve));
  cleanups.push(() => {
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const taken = () => (answer?.socket ? answer.socket.bytesWritten - answer.socket.writableLength : 0);
  return { path, connections, server, taken };
}

function reader(path: string, stopAfter: number): { child: ChildProcess; result: Promise<{ got: number; complete: boolean }> } {
  const child = spawn(process.execPath, ['-e', READER, path, String(stopAfter)], { stdio: ['ignore', 'pipe', 'inherit'] });
  cleanups.push(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const result = new Promise<{ got: number; complete: boolean }>((resolve) =>
    child.once('exit', () => {
      const [, got, complete] = out.trim().split(' ');
      resolve({ got: Number(got), complete: complete === 'true' });
    }),
  );
  return { child, result };
}

/** The server's close as land's: refuse new connections, drain, then drop what is left. */
async function close(server: Server, connections: Connections): Promise<void> {
  connections.refuse();
  await drainConnections(connections.open);
  server.closeAllConnections();
  server.close();
}

// Side by side (each its own server, socket and reader): both mostly wait on the reader's 150 ms pace.
describe.concurrent('the control server close drain', () => {
  it('waits for a reader that keeps reading, though it takes its bytes in steps over a second apart', async () => {
    const { path, connections, server, taken } = await slowAnswerServer();
    const { result } = reader(path, Number.MAX_SAFE_INTEGER);
    await waitUntil(() => taken() >= TAKEN_AT_CLOSE, 60_000, 'the reader to take 1 MB');
    await close(server, connections);
    // A fixed 1 s stall limit cut it off at its first step over a second apart: incomplete, part of it lost.
    expect(await result).toEqual({ got: TOTAL, complete: true });
  }, 90_000);

  it('cuts off a reader that stopped reading, its pace known', async () => {
    const { path, connections, server, taken } = await slowAnswerServer();
    // ~40 reads (~650 KB): it stops well before the end, after steps that gave it a pace.
    const { child, result } = reader(path, 40);
    await waitUntil(() => taken() >= 400_000, 60_000, 'the reader to take 400 KB');
    await close(server, connections);
    child.kill('SIGUSR1');
    const { got, complete } = await result;
    expect(complete).toBe(false);
    expect(got).toBeLessThan(TOTAL);
  }, 90_000);
});
