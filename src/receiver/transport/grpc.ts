/**
 * OTLP/gRPC on the receiver's port: the unary Export of the three collector services, over HTTP/2 without TLS (h2c
 * with prior knowledge, as gRPC clients speak on plain text). Connections come from sniff.ts, which hands over the
 * ones that open with HTTP/2's preface; node:http2 is imported with the first of them. Every request takes HTTP's
 * path: the same checks, bounds, decode queue and ingest; only the framing and the answers differ (a gRPC status in
 * the trailers, with a one-line grpc-message).
 */
import { constants, createServer, type Http2Server, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { Socket } from 'node:net';
import { oneLine } from '../../errors.js';
import { noteHotBytes } from '../../runtime/optimizer.js';
import type { Signal } from '../model/types.js';
import { BodyError, decodeContent } from './body.js';
import type { PartialSuccess } from './codec.js';
import { isLoopbackHost, type DecodeQueue } from './decode-queue.js';
import { declaredLength, framed, GrpcCode, GrpcError, grpcMessage, unaryMessage } from './grpc-frame.js';
import { UndecodableError, type OtlpServerOptions } from './http.js';

const SERVICES: Record<string, Signal> = {
  '/opentelemetry.proto.collector.trace.v1.TraceService/Export': 'traces',
  '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export': 'metrics',
  '/opentelemetry.proto.collector.logs.v1.LogsService/Export': 'logs',
};

/** A call's whole time, as HTTP's requestTimeout; a connection idle this long is closed (the client reconnects). */
const CALL_TIMEOUT_MS = 30_000;
const IDLE_SESSION_MS = 60_000;

export interface GrpcReceiver {
  /** Serve a connection whose HTTP/2 preface was read (and put back). */
  take(socket: Socket): void;
}

/** The counters' view of a gRPC answer: as HTTP's 200 (accepted), 429 (refused: retry) or a 4xx/5xx (rejected). */
function httpEquivalent(code: GrpcCode): number {
  if (code === GrpcCode.OK) return 200;
  if (code === GrpcCode.UNAVAILABLE) return 429;
  return code === GrpcCode.INTERNAL ? 500 : 400;
}

/** An ingest failure as gRPC says it (HTTP's 400, 413, 415 and 500). */
function grpcErrorOf(error: unknown, signal?: Signal): GrpcError {
  if (error instanceof GrpcError) return error;
  if (error instanceof BodyError) {
    const code = error.status === 413 ? GrpcCode.RESOURCE_EXHAUSTED : error.status === 415 ? GrpcCode.UNIMPLEMENTED : GrpcCode.INVALID_ARGUMENT;
    return new GrpcError(code, error.message);
  }
  if (error instanceof UndecodableError) return new GrpcError(GrpcCode.INVALID_ARGUMENT, `cannot decode the OTLP/protobuf ${signal ?? ''} request: ${error.message}`);
  return new GrpcError(GrpcCode.INTERNAL, `land could not store the request: ${oneLine(error)}`);
}

class Calls {
  constructor(
    private readonly options: OtlpServerOptions,
    private readonly decoding: DecodeQueue,
  ) {}

  /** A refusal, trailers only: the status and its message in the one HEADERS frame. */
  refuse(stream: ServerHttp2Stream, error: GrpcError, signal?: Signal, httpStatus = 200): void {
    stream.resume(); // what is still coming is read and dropped
    if (stream.headersSent || stream.destroyed) return;
    stream.respond({ ':status': httpStatus, 'content-type': 'application/grpc', 'grpc-status': String(error.code), 'grpc-message': grpcMessage(error.message), 'grpc-accept-encoding': 'identity,gzip' }, { endStream: true });
    this.options.answered?.(httpEquivalent(error.code), signal);
  }

  async accept(stream: ServerHttp2Stream, signal: Signal, partial: PartialSuccess | undefined): Promise<void> {
    const response = framed((await this.options.codec()).encodeResponse(signal, partial));
    if (stream.headersSent || stream.destroyed) return;
    stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-accept-encoding': 'identity,gzip' }, { waitForTrailers: true });
    stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(response);
    this.options.answered?.(200, signal);
  }

  /** The checks before the body is read, as HTTP's admit(): the signal the call is for, or why it is refused. */
  admit(headers: IncomingHttpHeaders): Signal | [GrpcError, Signal | undefined, number?] {
    const path = String(headers[':path'] ?? '');
    const signal = SERVICES[path];
    if (!isLoopbackHost(headers[':authority'] ?? headers.host) || headers.origin !== undefined) {
      return [new GrpcError(GrpcCode.PERMISSION_DENIED, 'the receiver answers loopback clients only (no browsers)'), signal];
    }
    const type = String(headers['content-type'] ?? '');
    if (!/^application\/grpc(\+proto)?(;|$)/i.test(type)) {
      return [new GrpcError(GrpcCode.UNIMPLEMENTED, `content-type ${JSON.stringify(type || 'none')}: expected application/grpc (OTLP/gRPC) or HTTP/1.1 for OTLP/HTTP`), signal, 415];
    }
    if (!signal || headers[':method'] !== 'POST') {
      return [new GrpcError(GrpcCode.UNIMPLEMENTED, `no such method: ${headers[':method']} ${path} (expected POST of opentelemetry.proto.collector.{trace,metrics,logs}.v1.{Trace,Metrics,Logs}Service/Export)`), signal];
    }
    const encoding = String(headers['grpc-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'identity' && encoding !== 'gzip') return [new GrpcError(GrpcCode.UNIMPLEMENTED, `grpc-encoding ${JSON.stringify(encoding)}: expected gzip or identity`), signal];
    if (this.decoding.waitingBytes > this.options.maxWaitingBytes) return [new GrpcError(GrpcCode.UNAVAILABLE, 'land is still decoding earlier requests; retry later'), signal];
    return signal;
  }

  async serve(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): Promise<void> {
    const admitted = this.admit(headers);
    if (typeof admitted !== 'string') return this.refuse(stream, admitted[0], admitted[1], admitted[2]);
    const signal = admitted;
    let body: Buffer;
    try {
      body = await readCall(stream, this.options.maxBodyBytes);
    } catch (error) {
      return this.refuse(stream, grpcErrorOf(error, signal), signal);
    }
    noteHotBytes(body.length);
    await this.decoding.run(body.length, async () => {
      let partial: PartialSuccess | undefined;
      try {
        partial = await this.ingest(stream, signal, headers, body);
      } catch (error) {
        return this.refuse(stream, grpcErrorOf(error, signal), signal);
      }
      await this.accept(stream, signal, partial);
    });
  }

  /** One call's message unframed, inflated and ingested as HTTP's protobuf bodies are. */
  private async ingest(stream: ServerHttp2Stream, signal: Signal, headers: IncomingHttpHeaders, body: Buffer): Promise<PartialSuccess | undefined> {
    const { compressed, message } = unaryMessage(body);
    const encoding = String(headers['grpc-encoding'] ?? 'identity').toLowerCase();
    if (compressed && encoding === 'identity') throw new GrpcError(GrpcCode.INTERNAL, 'the gRPC message is flagged compressed but the call sets no grpc-encoding');
    const inflated = compressed ? await decodeContent(message, 'gzip', this.options.maxBodyBytes) : message;
    return this.options.ingest({
      signal,
      format: 'protobuf',
      body: inflated,
      // Forwarded to the collector as OTLP/HTTP: the message as it came, gzip when it was.
      raw: message,
      contentType: 'application/x-protobuf',
      ...(compressed ? { contentEncoding: 'gzip' } : {}),
      peerPort: stream.session?.socket?.remotePort ?? 0,
      // The session lives as long as the connection (its socket is a proxy, not the one announced as connected).
      connection: stream.session ?? stream,
    });
  }
}

/** A call's body (the prefixed message), refused as soon as its prefix or its size says it is above `maxBytes`. */
function readCall(stream: ServerHttp2Stream, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let prefixRead = false;
    const fail = (error: Error) => {
      stream.off('data', onData);
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      chunks.push(chunk);
      const declared = prefixRead ? undefined : declaredLength(chunks.length === 1 ? chunk : Buffer.concat(chunks));
      prefixRead ||= declared !== undefined;
      if (declared !== undefined && declared > maxBytes) fail(new GrpcError(GrpcCode.RESOURCE_EXHAUSTED, `message of ${declared} bytes is above the receiver's bound of ${maxBytes}`));
      else if (size > maxBytes + 5) fail(new GrpcError(GrpcCode.RESOURCE_EXHAUSTED, `message above the receiver's bound of ${maxBytes} bytes`));
    };
    stream.on('data', onData);
    stream.once('end', () => resolve(Buffer.concat(chunks, size)));
    stream.once('error', fail);
  });
}

export function createGrpcReceiver(options: OtlpServerOptions, decoding: DecodeQueue): GrpcReceiver {
  const calls = new Calls(options, decoding);
  const server: Http2Server = createServer({ settings: { maxConcurrentStreams: 64 } });
  server.setTimeout(IDLE_SESSION_MS);
  server.on('stream', (stream, headers) => {
    stream.setTimeout(CALL_TIMEOUT_MS, () => stream.close(constants.NGHTTP2_CANCEL));
    stream.on('error', () => undefined); // a reset stream: nothing to answer
    calls.serve(stream, headers).catch((error: unknown) => calls.refuse(stream, grpcErrorOf(error)));
  });
  server.on('sessionError', () => undefined);
  return {
    take(socket) {
      server.emit('connection', socket);
    },
  };
}
