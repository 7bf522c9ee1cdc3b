import { userInfo } from 'node:os';
import type { TelemetryConfiguration } from './configuration.js';

/** `Brand` if set, else `land-dev-<os user>`: stable per machine so one dev run merges into one person; no hostname. */
export function distinctId(config: Pick<TelemetryConfiguration, 'brand'>, env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (config.brand) return config.brand;
  let user: string | undefined;
  try {
    user = userInfo().username;
  } catch {
    user = env.USER ?? env.USERNAME;
  }
  return `land-dev-${user && user.trim() !== '' ? user : 'unknown'}`;
}
