// Readiness observed from outside, the same way for every contender: each child connects to this listener and says
// `hello <token> <index> <pid> [<grandchild pid>]`. A fresh token per run keeps a late child of an earlier run from
// counting.
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';

export async function openHub() {
  const hellos = new Map(); // token -> [{ index, pid, grandchild, at }]
  const waiters = new Set();
  const server = createServer((socket) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (text += chunk));
    socket.on('error', () => {});
    socket.on('end', () => {
      const [word, token, index, pid, grandchild] = text.trim().split(' ');
      if (word !== 'hello') return;
      const list = hellos.get(token) ?? [];
      list.push({ index: Number(index), pid: Number(pid), grandchild: grandchild ? Number(grandchild) : undefined, at: performance.now() });
      hellos.set(token, list);
      for (const waiter of waiters) waiter();
    });
  });
  // Room for every child of a 64-wide boot connecting in the same instant.
  await new Promise((done) => server.listen({ port: 0, host: '127.0.0.1', backlog: 1024 }, done));
  let serial = 0;
  return {
    port: server.address().port,
    /** A new token for one run. */
    token: () => `r${process.pid}x${++serial}`,
    seen: (token) => hellos.get(token) ?? [],
    /**
     * Resolves with the hellos once `count` distinct children of `token` have connected; the time of readiness is
     * the last one's `at` (performance.now()). Rejects after timeoutMs.
     */
    waitFor(token, count, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const list = hellos.get(token) ?? [];
          if (new Set(list.map((h) => h.index)).size < count) return false;
          cleanup();
          resolve(list);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`only ${new Set((hellos.get(token) ?? []).map((h) => h.index)).size}/${count} children connected in ${timeoutMs} ms`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        if (!check()) waiters.add(check);
      });
    },
    forget: (token) => hellos.delete(token),
    close: () => new Promise((done) => server.close(() => done())),
  };
}
