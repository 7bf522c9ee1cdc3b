/**
 * How long a config may take to load, for load.ts (the whole load) and the TypeScript compile (half of it, so that
 * jiti still has the other half when esbuild never answers). Its own module: the compile must not import the loader.
 */

/** A top-level await that never settles would otherwise hang every command. */
export const CONFIG_LOAD_TIMEOUT_MS = 15_000;

/** `LAND_CONFIG_TIMEOUT_MS` (a positive integer), else CONFIG_LOAD_TIMEOUT_MS. */
export function loadTimeoutMs(): number {
  const given = Number(process.env.LAND_CONFIG_TIMEOUT_MS);
  return Number.isInteger(given) && given > 0 ? given : CONFIG_LOAD_TIMEOUT_MS;
}
