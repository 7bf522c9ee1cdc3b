/**
 * A trace's version, as an HTTP ETag: the Traces page polls the trace it shows, and a big one (10 000 spans, 7 MB of
 * JSON) is sent again only when it changed. The version is read from counters the receiver's span store and the
 * recording's index keep per trace (bumped when a span of it is stored or dropped: spans are not changed in place),
 * so an unchanged trace is answered 304 without building, masking or hashing a span. The process's own start is in
 * it too: a page that outlives a land never matches the next one's counters.
 */
import type { IncomingMessage } from 'node:http';

const SINCE = Date.now().toString(36);

export function traceEtag(version: string): string {
  return `"${SINCE}.${version}"`;
}

/** Whether the page already holds this version (If-None-Match: one tag, a list of them, or *). */
export function holdsVersion(req: IncomingMessage, etag: string): boolean {
  const asked = req.headers['if-none-match'];
  if (!asked) return false;
  return asked.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed === etag || trimmed === `W/${etag}`;
  });
}
