/**
 * The collector's address (`Pipe`, `OTLPEndpoint` or OTEL_EXPORTER_OTLP_ENDPOINT) is checked where the env files
 * are read, when the OTLP pipe is on and land will send to it: a typo (`localhost:4318`, a port of 99999) is bad
 * input, said in one line naming the file and key before anything starts, rather than a pipe found unavailable
 * once the stack runs. With the pipe off the value is not land's to judge (children may read it their own way).
 */
import { InputError } from '../errors.js';
import { otlpEndpointKey, otlpGate, TelemetryConfiguration } from '../telemetry/configuration.js';
import { ENDPOINT_EXPECTED, endpointProblem } from '../telemetry/endpoint.js';
import { variableAt, type EnvSources } from './origin.js';

export function checkCollectorAddress(sources: EnvSources): void {
  // The env the boot's telemetry keys are read from (plan.ts, telemetryEnvOf).
  const env = { ...sources.shellEnv, ...sources.profileEnv };
  const config = new TelemetryConfiguration(env);
  if (!otlpGate(config).allowed) return;
  const problem = endpointProblem(config.otlpEndpoint);
  const key = otlpEndpointKey(env);
  if (problem === undefined || key === undefined) return;
  // The value is not quoted: a typo'd address may hold a password no masking rule sees (`admin:pw@collector:4318`).
  throw new InputError(
    `${variableAt(sources, key)}: expected the OTLP collector's address as ${ENDPOINT_EXPECTED}, but ${problem} (the value is not repeated: it may hold a password)`,
  );
}
