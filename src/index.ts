/** The public API of land: defineConfig and the config types, the supervisor's types, and the telemetry library. */
export { defineConfig } from './config/define.js';
export type * from './config/types.js';
export type * from './supervisor/types.js';
