/**
 * What a client gets whose request node could not read (node's `clientError`): node's own answer is a bare status
 * with an empty body (431 for a request line and headers past its limit, say a 20 KB query). Here the same status,
 * with the one-line JSON error every other refusal of land's HTTP servers has. Shared by the control, dashboard and
 * receiver servers.
 */
import { maxHeaderSize, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

function answerOf(error: NodeJS.ErrnoException): [number, string, string] {
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    // None of land's servers sets its own limit: node's (16 KiB, or --max-http-header-size).
    const limit = Math.round(maxHeaderSize / 1024);
    return [431, 'Request Header Fields Too Large', `the request line and headers are too large: expected at most ${limit} KiB (a long query: send fewer or shorter parameters)`];
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return [408, 'Request Timeout', 'the request did not arrive in time'];
  return [400, 'Bad Request', 'the request is not HTTP/1.1 that could be read'];
}

/** A whole HTTP/1.1 answer with the one-line JSON error, the connection closed after it. */
export function errorAnswer(status: number, text: string, message: string): string {
  const body = `${JSON.stringify({ error: { code: 'bad-request', message } })}\n`;
  return `HTTP/1.1 ${status} ${text}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}

export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A connection gone (reset) or already answered: nothing can be said any more.
    if (!socket.writable || error.code === 'ECONNRESET') return void socket.destroy();
    socket.end(errorAnswer(...answerOf(error)));
  });
}
