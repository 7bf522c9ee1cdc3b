/** The codec (protobufjs and the OTLP definitions), imported on first use so `land up` never parses it early. */
import type { OtlpCodec } from './codec.js';

let loading: Promise<OtlpCodec> | undefined;

export function loadCodec(): Promise<OtlpCodec> {
  loading ??= import('./codec.js').then(({ createCodec }) => createCodec());
  return loading;
}
