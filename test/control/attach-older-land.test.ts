/**
 * `land attach`'s input against a stack run by a land older than `wait=1` (POST /tiers/<t>/stdin?wait=1): such a
 * land ignores the flag and refuses a full queue at once (409 `stdin-full`). attach asks again, with a backoff, for as
 * long as a newer land would have waited, rather than dropping the line. The older land is a real HTTP server on a
 * real unix socket answering as that land did (no build of an older land runs here); the sender is attach's own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InputSender } from '../../src/cli/attach-input.js';

interface OlderLand {
  socket: string;
  /** Each POST's query and body, as received. */
  posts: Array<{ query: string; body: string }>;
  close(): Promise<void>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Refuses the first `refusals` writes at once, as an older land does with a full queue; takes the rest. */
async function olderLand(refusals: number): Promise<OlderLand> {
  const dir = mkdtempSync(join(tmpdir(), 'land-older-'));
  const socket = join(dir, 'land.sock');
  const posts: OlderLand['posts'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      posts.push({ query: new URL(req.url!, 'http://land').search, body: Buffer.concat(chunks).toString() });
      const full = posts.length <= refusals;
      res.writeHead(full ? 409 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(full ? { error: { code: 'stdin-full', message: 'worker is not reading its stdin: 262144 bytes wait' } } : { ok: true, bytes: chunks.reduce((sum, chunk) => sum + chunk.length, 0) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  const close = async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  };
  cleanups.push(close);
  return { socket, posts, close };
}

function sender(socket: string, refused: Error[]): InputSender {
  return new InputSender({
    target: { socket, rootDir: tmpdir() },
    tier: 'worker',
    onRefused: (error) => {
      refused.push(error);
      return 'drop';
    },
  });
}

describe('land attach and a stack of an older land', () => {
  it('a full queue refused at once is asked again until the line is taken: nothing dropped, nothing said', async () => {
    const older = await olderLand(3);
    const refused: Error[] = [];
    const input = sender(older.socket, refused);
    input.send(Buffer.from('hello\n'));
    await input.idle();
    expect(refused).toEqual([]);
    // Three refusals, then the same bytes taken; every ask said wait=1 (a newer land waits itself).
    expect(older.posts).toHaveLength(4);
    expect(older.posts.map((post) => post.body)).toEqual(['hello\n', 'hello\n', 'hello\n', 'hello\n']);
    expect(older.posts.every((post) => post.query === '?wait=1')).toBe(true);
  }, 30_000);

  it('a queue that stays full: asked again for as long as a newer land waits (10 s), then refused once, as before', async () => {
    const older = await olderLand(Number.POSITIVE_INFINITY);
    const refused: Error[] = [];
    const input = sender(older.socket, refused);
    const started = Date.now();
    input.send(Buffer.from('lost\n'));
    await input.idle();
    expect(refused).toHaveLength(1);
    expect(refused[0]!.message).toMatch(/worker is not reading its stdin/);
    // Bounded: the backoff (50 ms doubling to 1 s) makes at most a few tens of asks in the 10 s.
    expect(older.posts.length).toBeGreaterThan(3);
    expect(older.posts.length).toBeLessThan(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(8_000);
  }, 60_000);
});
