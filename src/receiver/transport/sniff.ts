/**
 * One port for OTLP/HTTP and OTLP/gRPC: a connection that opens with HTTP/2's preface (`PRI * HTTP/2.0…`, what a
 * gRPC client sends first on plain text) goes to the gRPC receiver, any other to the HTTP/1.1 server. gRPC exporters
 * read the same OTEL_EXPORTER_OTLP_ENDPOINT as HTTP ones and ignore OTEL_EXPORTER_OTLP_PROTOCOL, so the one port land
 * hands every child is what lets them send with no set-up. The bytes read to decide are put back on the socket.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { errorAnswer } from '../../control/client-error.js';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
/**
 * HTTP/2's method: node's HTTP/1.1 parser takes a `PRI` request as the start of an h2 preface and waits for its `SM`
 * until the request times out (`PRI * HTTP/1.1`), so a connection that opens with it and is not the preface is
 * answered here, at once.
 */
const PRI = Buffer.from('PRI ');
const NOT_A_PREFACE = "the request is not HTTP/1.1 that could be read: it opens with HTTP/2's PRI but not its preface (PRI * HTTP/2.0, then SM)";

/** A connection that says nothing for this long is closed (HTTP's headersTimeout, before the parser has it). */
const FIRST_BYTES_MS = 10_000;

type Take = (socket: Socket) => void;

/**
 * `server`'s connections routed by their first bytes: HTTP/2 ones to `http2()` (loaded on the first), the rest to the
 * server's own connection handling (node's HTTP/1.1 parser). Other 'connection' listeners added later see every one.
 */
export function routeByPreface(server: Server, http2: () => Promise<Take>): void {
  const http1 = server.listeners('connection') as Take[];
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    let seen: Buffer = Buffer.alloc(0);
    const timer = setTimeout(() => socket.destroy(), FIRST_BYTES_MS);
    const onClose = () => clearTimeout(timer);
    const onData = (chunk: Buffer) => {
      seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
      const n = Math.min(seen.length, PREFACE.length);
      const isHttp2 = seen.subarray(0, n).equals(PREFACE.subarray(0, n));
      if (isHttp2 && seen.length < PREFACE.length) return; // the preface's start: wait for the rest
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      if (!isHttp2 && seen.subarray(0, PRI.length).equals(PRI)) return refuse(socket);
      socket.pause();
      socket.unshift(seen);
      if (!isHttp2) {
        for (const listener of http1) listener.call(server, socket);
        socket.resume();
        return;
      }
      http2().then(
        (take) => take(socket),
        () => socket.destroy(),
      );
    };
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.on('error', () => socket.destroy());
  });
}

/** A connection that opened with PRI and is no h2 preface: its 400 at once, the connection closed after it. */
function refuse(socket: Socket): void {
  // What else it sends is read and dropped (unread bytes would turn the close into a reset, which can lose the
  // answer); a client that never closes its side is let go after a while.
  socket.on('data', () => undefined);
  const timer = setTimeout(() => socket.destroy(), FIRST_BYTES_MS).unref();
  socket.once('close', () => clearTimeout(timer));
  socket.end(errorAnswer(400, 'Bad Request', NOT_A_PREFACE));
}
