/**
 * Whether a collector address (`Pipe`/`OTLPEndpoint`) can be exported to: an http or https URL with a host and a
 * port node accepts. `localhost:4318` parses as a URL of scheme `localhost:`, and `127.0.0.1:4318` or a port above
 * 65535 do not parse at all: node's request and the OTLP exporter throw on them synchronously, so the address is
 * checked before either sees it.
 */

/** What an endpoint should look like, for messages. */
export const ENDPOINT_EXPECTED = 'an http or https URL with a host and a port of 1-65535 (as http://127.0.0.1:4318)';

/** Why `endpoint` cannot be a collector address (never quoting it: it may hold credentials), or undefined when it can. */
export function endpointProblem(endpoint: string): string | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'not a URL (or its port is not 1-65535)';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'its scheme is not http: or https:';
  if (url.hostname === '') return 'it has no host';
  if (url.port === '0') return 'its port is 0';
  return undefined;
}

/** Why a pipe that sends to `endpoint` is unavailable from the start (the span pipe's, the forwarder's), or undefined. */
export function unusableReason(endpoint: string): string | undefined {
  const problem = endpointProblem(endpoint);
  return problem === undefined ? undefined : `the collector address is unusable: ${problem}`;
}
