/**
 * OTLP/HTTP on loopback: `POST /v1/traces`, `/v1/logs`, `/v1/metrics`, protobuf or JSON, plain or gzip. Answers as
 * the OTLP specification says: 200 with an export response (its `partial_success` when items were rejected), 400
 * for a body that does not decode (a google.rpc.Status body), 413 above the size bound, 415 for another content
 * type or encoding, 429 with Retry-After while too much waits to be decoded. Requests are decoded one at a time,
 * each after the event loop has had a turn, so a flood never holds the supervisor up for more than one body.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { answerClientErrors } from '../../control/client-error.js';
import type { AddressInfo, Socket } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { oneLine } from '../../errors.js';
import { noteHotBytes } from '../../runtime/optimizer.js';
import type { Signal } from '../model/types.js';
import { BodyError, bodyFormat, decodeContent, readRaw, type BodyFormat } from './body.js';
import type { OtlpCodec, PartialSuccess } from './codec.js';
import { rejectedField } from './signal-names.js';

const PATHS: Record<string, Signal> = { '/v1/traces': 'traces', '/v1/logs': 'logs', '/v1/metrics': 'metrics' };

export interface Incoming {
  signal: Signal;
  format: BodyFormat;
  /** The body with its content encoding undone (protobuf bytes or JSON text), not decoded yet. */
  body: Buffer;
  /** The body as it came (compressed or not) and its headers, for forwarding. */
  raw: Buffer;
  contentType: string;
  contentEncoding?: string;
  /** The client's port (the sender's end of the connection). */
  peerPort: number;
}

export interface OtlpServerOptions {
  host: string;
  port: number;
  maxBodyBytes: number;
  /** Bytes read but not yet handled beyond which new requests get 429. */
  maxWaitingBytes: number;
  codec: () => Promise<OtlpCodec>;
  /**
   * Decode and store what came; returns what was not kept. Throws an UndecodableError for a body that is not an
   * export request (answered 400); any other throw is answered 500.
   */
  ingest(incoming: Incoming): Promise<PartialSuccess | undefined>;
  /** Told of every answer (for the request counters). */
  answered?(status: number, signal: Signal | undefined): void;
}

export interface OtlpServer {
  readonly port: number;
  close(): Promise<void>;
}

/** A body that does not decode as an export request of its content type. */
export class UndecodableError extends Error {}

function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return true;
  const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '').toLowerCase();
  return name === '127.0.0.1' || name === 'localhost' || name === '::1';
}

export async function startOtlpServer(options: OtlpServerOptions): Promise<OtlpServer> {
  const sockets = new Set<Socket>();
  let waitingBytes = 0;
  let queue: Promise<void> = Promise.resolve();

  const answer = (res: ServerResponse, status: number, format: BodyFormat, body: Uint8Array | string, signal?: Signal, extra: Record<string, string> = {}) => {
    if (res.headersSent || res.destroyed) return;
    const type = format === 'protobuf' ? 'application/x-protobuf' : 'application/json';
    res.writeHead(status, { 'content-type': type, 'content-length': String(Buffer.byteLength(body)), ...extra });
    res.end(body);
    options.answered?.(status, signal);
  };

  const fail = async (res: ServerResponse, status: number, message: string, format: BodyFormat, signal?: Signal, extra?: Record<string, string>) => {
    let body: Uint8Array | string = JSON.stringify({ code: status === 429 ? 8 : 3, message });
    if (format === 'protobuf') {
      try {
        body = (await options.codec()).encodeStatus(status === 429 ? 8 : 3, message);
      } catch {
        format = 'json';
      }
    }
    answer(res, status, format, body, signal, extra);
  };

  const respond = async (res: ServerResponse, format: BodyFormat, signal: Signal, partial: PartialSuccess | undefined) => {
    if (format === 'json') {
      const payload = partial && partial.rejected > 0 ? { partialSuccess: { [rejectedField(signal)]: partial.rejected, errorMessage: partial.message } } : {};
      return answer(res, 200, 'json', JSON.stringify(payload), signal);
    }
    answer(res, 200, 'protobuf', (await options.codec()).encodeResponse(signal, partial), signal);
  };

  /** Decode and store one request (one at a time: see the queue). */
  const handle = async (req: IncomingMessage, res: ServerResponse, signal: Signal, format: BodyFormat, raw: Buffer) => {
    let partial: PartialSuccess | undefined;
    try {
      const body = await decodeContent(raw, req.headers['content-encoding'], options.maxBodyBytes);
      partial = await options.ingest({
        signal,
        format,
        body,
        raw,
        contentType: String(req.headers['content-type']),
        contentEncoding: req.headers['content-encoding'],
        peerPort: req.socket.remotePort ?? 0,
      });
    } catch (error) {
      if (error instanceof BodyError) return fail(res, error.status, error.message, format, signal);
      if (error instanceof UndecodableError) {
        return fail(res, 400, `cannot decode the ${format === 'json' ? 'OTLP/JSON' : 'OTLP/protobuf'} ${signal} request: ${error.message}`, format, signal);
      }
      return fail(res, 500, `land could not store the request: ${oneLine(error)}`, format, signal);
    }
    await respond(res, format, signal, partial);
  };

  const onRequest = async (req: IncomingMessage, res: ServerResponse) => {
    const url = (req.url ?? '/').split('?')[0]!;
    const signal = PATHS[url];
    let format: BodyFormat = 'json';
    if (!isLoopbackHost(req.headers.host) || req.headers.origin !== undefined) {
      req.resume();
      return fail(res, 403, 'the receiver answers loopback clients only (no browsers)', format);
    }
    if (!signal) {
      req.resume();
      return fail(res, 404, `no such endpoint: ${url} (expected /v1/traces, /v1/logs or /v1/metrics)`, format);
    }
    if (req.method !== 'POST') {
      req.resume();
      return fail(res, 405, `${req.method} ${url}: expected POST`, format, signal, { allow: 'POST' });
    }
    try {
      format = bodyFormat(req.headers['content-type']);
    } catch (error) {
      req.resume();
      return fail(res, 415, (error as Error).message, 'json', signal);
    }
    if (waitingBytes > options.maxWaitingBytes) {
      req.resume();
      return fail(res, 429, 'land is still decoding earlier requests; retry later', format, signal, { 'retry-after': '1' });
    }
    let raw: Buffer;
    try {
      raw = await readRaw(req, options.maxBodyBytes);
    } catch (error) {
      const status = error instanceof BodyError ? error.status : 400;
      await fail(res, status, error instanceof Error ? error.message : String(error), format, signal, { connection: 'close' });
      // What is still coming is not read: the connection ends with the answer.
      res.once('finish', () => req.socket.destroy());
      return;
    }
    noteHotBytes(raw.length);
    waitingBytes += raw.length;
    const turn = queue.then(async () => {
      await nextTurn();
      await handle(req, res, signal, format, raw);
    });
    queue = turn.catch(() => undefined).finally(() => {
      waitingBytes -= raw.length;
    });
    await turn;
  };

  const server: Server = createServer((req, res) => {
    onRequest(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) void fail(res, 500, oneLine(error), 'json');
    });
  });
  // A client that sends junk instead of HTTP (or headers past node's limit) gets 400 (431) with one line, and its
  // connection closed; land goes on.
  answerClientErrors(server);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', () => undefined);
  const { port } = server.address() as AddressInfo;
  return {
    port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
