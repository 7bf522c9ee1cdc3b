/** Reading an OTLP request body: bounded before and after gzip, never buffering more than the bound. */
import type { IncomingMessage } from 'node:http';

export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

/** The body as sent (still compressed), or a BodyError for one above `maxBytes`. */
export function readRaw(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      reject(new BodyError(413, `body of ${declared} bytes is above the receiver's bound of ${maxBytes}`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        done = true;
        reject(new BodyError(413, `body above the receiver's bound of ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks, size));
    });
    req.on('error', (error) => {
      if (done) return;
      done = true;
      reject(error);
    });
  });
}

/**
 * Undoes the content encoding (identity or gzip); a gzip body that inflates beyond `maxBytes` is a 413. An identity
 * body is given back as it is, not in a promise (nothing to wait for on the receiver's fast path).
 */
export function decodeContent(raw: Buffer, encoding: string | undefined, maxBytes: number): Buffer | Promise<Buffer> {
  const name = (encoding ?? 'identity').trim().toLowerCase();
  if (name === 'identity' || name === '') return raw;
  if (name !== 'gzip') return Promise.reject(new BodyError(415, `content-encoding ${JSON.stringify(name)}: expected gzip or none`));
  // node:zlib when the first gzip body comes, not with every `land up` (docs/decisions.md, "Start-up: the fixed cost").
  return import('node:zlib').then(({ gunzip }) => new Promise((resolve, reject) => {
    gunzip(raw, { maxOutputLength: maxBytes }, (error, inflated) => {
      if (!error) resolve(inflated);
      else if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') reject(new BodyError(413, `gzip body inflates above the receiver's bound of ${maxBytes} bytes`));
      else reject(new BodyError(400, `gzip body cannot be inflated (${error.message})`));
    });
  }));
}

export type BodyFormat = 'protobuf' | 'json';

/** application/x-protobuf or application/json (parameters allowed); anything else is a 415. */
export function bodyFormat(contentType: string | undefined): BodyFormat {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  throw new BodyError(415, `content-type ${JSON.stringify(type || 'none')}: expected application/x-protobuf or application/json`);
}
