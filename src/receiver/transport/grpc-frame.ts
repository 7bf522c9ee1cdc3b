/**
 * gRPC's length-prefixed messages (a compressed flag byte and a big-endian 32-bit length, then the protobuf bytes) and
 * its status codes, as OTLP/gRPC uses them: one request message, one response message (unary Export).
 */
export const GrpcCode = {
  OK: 0,
  INVALID_ARGUMENT: 3,
  RESOURCE_EXHAUSTED: 8,
  PERMISSION_DENIED: 7,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;
export type GrpcCode = (typeof GrpcCode)[keyof typeof GrpcCode];

/** A refusal: its gRPC status and one line saying why. */
export class GrpcError extends Error {
  constructor(
    readonly code: GrpcCode,
    message: string,
  ) {
    super(message);
  }
}

const PREFIX = 5;

/** The one message of a unary call's body: its bytes and whether they are compressed; a GrpcError for anything else. */
export function unaryMessage(body: Buffer): { compressed: boolean; message: Buffer } {
  if (body.length < PREFIX) throw new GrpcError(GrpcCode.INVALID_ARGUMENT, `the request holds ${body.length} bytes: expected a 5-byte gRPC message prefix and a message`);
  const flag = body[0]!;
  if (flag > 1) throw new GrpcError(GrpcCode.INVALID_ARGUMENT, `the gRPC message prefix has a compressed flag of ${flag}: expected 0 or 1`);
  const length = body.readUInt32BE(1);
  const rest = body.length - PREFIX;
  if (rest < length) throw new GrpcError(GrpcCode.INVALID_ARGUMENT, `the gRPC message is cut short: ${rest} of the ${length} bytes its prefix declares`);
  if (rest > length) throw new GrpcError(GrpcCode.INVALID_ARGUMENT, `${rest - length} bytes follow the request's gRPC message: Export is unary (one message)`);
  return { compressed: flag === 1, message: body.subarray(PREFIX) };
}

/** The message length a body's prefix declares, once its 5 bytes are there. */
export function declaredLength(head: Buffer): number | undefined {
  return head.length >= PREFIX ? head.readUInt32BE(1) : undefined;
}

/** `message` with its (uncompressed) gRPC prefix. */
export function framed(message: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(PREFIX + message.length);
  out[0] = 0;
  out.writeUInt32BE(message.length, 1);
  out.set(message, PREFIX);
  return out;
}

/** grpc-message's percent-encoding: printable ASCII but `%` as it is, every other UTF-8 byte as %XX. */
export function grpcMessage(text: string): string {
  return text.replace(/[^\x20-\x24\x26-\x7e]+/g, (run) => [...Buffer.from(run, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
}
