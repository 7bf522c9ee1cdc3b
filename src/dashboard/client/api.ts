/** Requests to the dashboard's API. The session cookie goes along by itself (same origin); 401 means log in again. */
export class RequestFailed extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function failure(res: Response): Promise<RequestFailed> {
  let message = `${res.status} ${res.statusText}`;
  try {
    const body = (await res.json()) as { error?: { message?: string } };
    if (body.error?.message) message = body.error.message;
  } catch {
    // not JSON: keep the status line
  }
  return new RequestFailed(res.status, message);
}

export async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (!res.ok) throw await failure(res);
  return (await res.json()) as T;
}

export async function postJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { method: 'POST', credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (!res.ok) throw await failure(res);
  return (await res.json()) as T;
}

/**
 * GETs an NDJSON stream and hands each item to `each` as its line completes, waiting for `each` before the next;
 * `each` returns false to stop reading (the request is cancelled).
 */
export async function readNdjson<T>(path: string, each: (item: T) => Promise<boolean>): Promise<void> {
  const res = await fetch(path, { credentials: 'same-origin', headers: { accept: 'application/x-ndjson' } });
  if (!res.ok || !res.body) throw await failure(res);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        if (!(await each(JSON.parse(line) as T))) return;
      }
    }
  } finally {
    void reader.cancel().catch(() => undefined);
  }
}

/**
 * GETs `path` unless the page holds its version `etag` already: null when the server answers 304 (not modified),
 * else the body and its new version. The check is made here, not by the browser's cache, so a big unchanged answer is
 * neither sent nor parsed again.
 */
export async function getJsonIfChanged<T>(path: string, etag: string | undefined): Promise<{ data: T; etag?: string } | null> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (etag) headers['if-none-match'] = etag;
  const res = await fetch(path, { credentials: 'same-origin', cache: 'no-store', headers });
  if (res.status === 304) return null;
  if (!res.ok) throw await failure(res);
  return { data: (await res.json()) as T, etag: res.headers.get('etag') ?? undefined };
}
