/**
 * The log ring's history for a page, in one response: NDJSON, one LogPage per line, newest page first, each page at
 * most LOG_PAGE_MAX lines. One page is built per turn of the event loop (setImmediate, or 'drain' when the page reads
 * slower than land writes), so a 100 000-line history never holds land — and the children's pipes it reads — for
 * longer than one page takes, and costs one round trip instead of one per page.
 */
import type { ServerResponse } from 'node:http';
import type { LogRing } from './log-ring.js';
import { LOG_PAGE_MAX, type LogPage } from './wire.js';

/** Lines numbered below `before`, at most `limit` of them, as pages going backward until the oldest line held. */
export function streamHistory(ring: LogRing, res: ServerResponse, before: number, limit: number): void {
  res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' });
  let to = before;
  let left = limit;
  const nextPage = (): void => {
    if (res.destroyed) return;
    const lines = ring.before(to, Math.min(LOG_PAGE_MAX, left));
    const page: LogPage = { next: ring.next, oldest: ring.oldest, lines };
    const first = lines[0]?.[0] ?? ring.oldest;
    left -= lines.length;
    const last = lines.length === 0 || left <= 0 || first <= ring.oldest;
    const text = `${JSON.stringify(page)}\n`;
    if (last) {
      res.end(text);
      return;
    }
    to = first;
    if (res.write(text)) setImmediate(nextPage);
    else res.once('drain', nextPage);
  };
  nextPage();
}
