/**
 * A trace's version, as an HTTP ETag: the Traces page polls the trace it shows, and a big one (6 000 spans, 7 MB of
 * JSON) is sent again only when it changed. Spans are added (or dropped from a full store) and the boot's running
 * span grows; a span is not changed in place otherwise, so each span's id, end and state say it all.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { SpanView } from './wire.js';

export function traceEtag(spans: readonly SpanView[]): string {
  const hash = createHash('sha1');
  for (const span of spans) hash.update(`${span.spanId}:${span.endMs}:${span.status}:${span.running ? 1 : 0};`);
  return `"${spans.length}-${hash.digest('base64url')}"`;
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
