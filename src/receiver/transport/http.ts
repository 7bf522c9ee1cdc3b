/**
 * OTLP/HTTP on loopback (and OTLP/gRPC on the same port: sniff.ts, grpc.ts): `POST /v1/traces`, `/v1/logs`, `/v1/metrics`, protobuf or JSON, plain or gzip. Answers as
 * the OTLP specification says: 200 with an export response (its `partial_success` when items were rejected), 400
 * for a body that does not decode (a google.rpc.Status body), 413 above the size bound, 415 for another content
 * type or encoding, 429 with Retry-After while too much waits to be decoded. Requests are decoded one at a time,
 * each after the event loop has had a turn, so a flood never holds the supervisor up for more than one body.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { answerClientErrors } from '../../control/client-error.js';
import type { AddressInfo, Socket } from 'node:net';
import { oneLine } from '../../errors.js';
import { noteHotBytes } from '../../runtime/optimizer.js';
import type { Signal } from '../model/types.js';
import { DecodeQueue, isLoopbackHost } from './decode-queue.js';
import { routeByPreface } from './sniff.js';
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
  /** The connection it came on (what is known of its sender is kept for as long as it lives). */
  connection: object;
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
  /** Told of every connection as it is accepted, before any request on it (peer.ts). */
  connected?(socket: Socket): void;
}

export interface OtlpServer {
  readonly port: number;
  close(): Promise<void>;
}

/** A body that does not decode as an export request of its content type. */
export class UndecodableError extends Error {}

/** The receiver's answers, shaped as the OTLP specification says (an export response, or a google.rpc.Status). */
class Answers {
  constructor(private readonly options: Pick<OtlpServerOptions, 'codec' | 'answered'>) {}

  send(res: ServerResponse, status: number, format: BodyFormat, body: Uint8Array | string, signal?: Signal, extra: Record<string, string> = {}): void {
    if (res.headersSent || res.destroyed) return;
    const type = format === 'protobuf' ? 'application/x-protobuf' : 'application/json';
    res.writeHead(status, { 'content-type': type, 'content-length': String(Buffer.byteLength(body)), ...extra });
    res.end(body);
    this.options.answered?.(status, signal);
  }

  /** A refusal: its Status in the request's format (JSON when the protobuf codec does not load). */
  async fail(res: ServerResponse, status: number, message: string, format: BodyFormat, signal?: Signal, extra?: Record<string, string>): Promise<void> {
    let body: Uint8Array | string = JSON.stringify({ code: status === 429 ? 8 : 3, message });
    if (format === 'protobuf') {
      try {
        body = (await this.options.codec()).encodeStatus(status === 429 ? 8 : 3, message);
      } catch {
        format = 'json';
      }
    }
    this.send(res, status, format, body, signal, extra);
  }

  /** 200 with the export response: its `partial_success` when items were rejected. */
  async accept(res: ServerResponse, format: BodyFormat, signal: Signal, partial: PartialSuccess | undefined): Promise<void> {
    if (format === 'json') {
      const payload = partial && (partial.rejected > 0 || partial.message) ? { partialSuccess: { [rejectedField(signal)]: partial.rejected, errorMessage: partial.message } } : {};
      return this.send(res, 200, 'json', JSON.stringify(payload), signal);
    }
    this.send(res, 200, 'protobuf', (await this.options.codec()).encodeResponse(signal, partial), signal);
  }
}

/** What a request asks before its body is read: the signal its path names, the format its content type says. */
interface Admitted {
  signal: Signal;
  format: BodyFormat;
}

/** Why a request is refused before its body is read: the answer's status and message, and how to send it. */
interface Refused {
  status: number;
  message: string;
  format: BodyFormat;
  signal?: Signal;
  extra?: Record<string, string>;
}

/**
 * The checks before the body is read (a browser or a non-loopback Host, the path, the method, the content type, too
 * much waiting already): what the request asks, or why it is refused. Synchronous: an admitted request (nearly every
 * one) waits for nothing here.
 */
function admit(req: IncomingMessage, busy: boolean): Admitted | Refused {
  const url = (req.url ?? '/').split('?')[0]!;
  const signal = PATHS[url];
  if (!isLoopbackHost(req.headers.host) || req.headers.origin !== undefined) return { status: 403, message: 'the receiver answers loopback clients only (no browsers)', format: 'json' };
  if (!signal) return { status: 404, message: `no such endpoint: ${url} (expected /v1/traces, /v1/logs or /v1/metrics)`, format: 'json' };
  if (req.method !== 'POST') return { status: 405, message: `${req.method} ${url}: expected POST`, format: 'json', signal, extra: { allow: 'POST' } };
  let format: BodyFormat;
  try {
    format = bodyFormat(req.headers['content-type']);
  } catch (error) {
    return { status: 415, message: (error as Error).message, format: 'json', signal };
  }
  if (busy) return { status: 429, message: 'land is still decoding earlier requests; retry later', format, signal, extra: { 'retry-after': '1' } };
  return { signal, format };
}

/** The body as it came, or undefined once a body too large or cut short was answered (the connection then ends). */
async function readBody(req: IncomingMessage, res: ServerResponse, answers: Answers, { signal, format }: Admitted, maxBytes: number): Promise<Buffer | undefined> {
  try {
    return await readRaw(req, maxBytes);
  } catch (error) {
    const status = error instanceof BodyError ? error.status : 400;
    await answers.fail(res, status, error instanceof Error ? error.message : String(error), format, signal, { connection: 'close' });
    // What is still coming is not read: the connection ends with the answer.
    res.once('finish', () => req.socket.destroy());
    return undefined;
  }
}

/** Decode and store one request, and answer it (one at a time: DecodeQueue). */
async function handle(options: OtlpServerOptions, answers: Answers, req: IncomingMessage, res: ServerResponse, { signal, format }: Admitted, raw: Buffer): Promise<void> {
  let partial: PartialSuccess | undefined;
  try {
    const decoded = decodeContent(raw, req.headers['content-encoding'], options.maxBodyBytes);
    const body = decoded instanceof Promise ? await decoded : decoded;
    partial = await options.ingest({
      signal,
      format,
      body,
      raw,
      contentType: String(req.headers['content-type']),
      contentEncoding: req.headers['content-encoding'],
      peerPort: req.socket.remotePort ?? 0,
      connection: req.socket,
    });
  } catch (error) {
    if (error instanceof BodyError) return answers.fail(res, error.status, error.message, format, signal);
    if (error instanceof UndecodableError) {
      return answers.fail(res, 400, `cannot decode the ${format === 'json' ? 'OTLP/JSON' : 'OTLP/protobuf'} ${signal} request: ${error.message}`, format, signal);
    }
    return answers.fail(res, 500, `land could not store the request: ${oneLine(error)}`, format, signal);
  }
  await answers.accept(res, format, signal, partial);
}

export async function startOtlpServer(options: OtlpServerOptions): Promise<OtlpServer> {
  const answers = new Answers(options);
  const decoding = new DecodeQueue();
  const onRequest = async (req: IncomingMessage, res: ServerResponse) => {
    const admitted = admit(req, decoding.waitingBytes > options.maxWaitingBytes);
    if ('status' in admitted) {
      req.resume(); // the body is drained unread
      return answers.fail(res, admitted.status, admitted.message, admitted.format, admitted.signal, admitted.extra);
    }
    const raw = await readBody(req, res, answers, admitted, options.maxBodyBytes);
    if (!raw) return;
    noteHotBytes(raw.length);
    await decoding.run(raw.length, () => handle(options, answers, req, res, admitted, raw));
  };
  const server: Server = createServer((req, res) => {
    onRequest(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) void answers.fail(res, 500, oneLine(error), 'json');
    });
  });
  // gRPC's calls share the decode queue (and so its bound) with HTTP's requests.
  let grpc: Promise<(socket: Socket) => void> | undefined;
  routeByPreface(server, () => (grpc ??= import('./grpc.js').then(({ createGrpcReceiver }) => createGrpcReceiver(options, decoding).take)));
  return listen(server, options);
}

/** The server on its address, with its bounds; its close ends every connection (keep-alive ones too). */
async function listen(server: Server, options: Pick<OtlpServerOptions, 'host' | 'port' | 'connected'>): Promise<OtlpServer> {
  const sockets = new Set<Socket>();
  // A client that sends junk instead of HTTP (or headers past node's limit) gets 400 (431) with one line, and its
  // connection closed; land goes on.
  answerClientErrors(server);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    options.connected?.(socket);
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
