/**
 * One port for OTLP/HTTP and OTLP/gRPC: a connection that opens with HTTP/2's preface (`PRI * HTTP/2.0…`, what a
 * gRPC client sends first on plain text) goes to the gRPC receiver, any other to the HTTP/1.1 server. gRPC exporters
 * read the same OTEL_EXPORTER_OTLP_ENDPOINT as HTTP ones and ignore OTEL_EXPORTER_OTLP_PROTOCOL, so the one port land
 * hands every child is what lets them send with no set-up. The bytes read to decide are put back on the socket.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

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
