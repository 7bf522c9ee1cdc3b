/**
 * The demo stack: mountain (land itself) boots these sidecars. Profiles in profiles/ decide which start:
 * `Spawn=false` gates cocoon off, `Render=false` gates wind and sky off.
 */
import { defineConfig } from 'land';

const node = (script: string) => ['node', `dist/sidecars/${script}.js`];
/** The demo's ports; the sidecars read the same variables, so another free port can be chosen from the shell. */
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const AIR_PORT = port('AIR_PORT', 47103);
const COCOON_PORT = port('COCOON_PORT', 47101);
const SKY_PORT = port('SKY_PORT', 47102);

export default defineConfig({
  app: 'land',
  defaultProfile: 'debug',
  tiers: {
    air: {
      description: 'long-running daemon on its own port',
      command: node('air'),
      ready: { tcp: AIR_PORT },
      restart: { policy: 'on-failure' },
    },
    cocoon: {
      description: 'extension host stand-in',
      command: node('cocoon'),
      gate: 'Spawn',
      ready: { tcp: COCOON_PORT },
    },
    wind: {
      description: 'preload step for sky; completes',
      command: node('wind'),
      gate: 'Render',
    },
    sky: {
      description: 'renderer: HTTP server with /health',
      command: node('sky'),
      gate: 'Render',
      dependsOn: { wind: 'completed' },
      ready: { http: `http://127.0.0.1:${SKY_PORT}/health` },
    },
    rest: {
      description: 'worker, ready when it says so',
      command: node('rest'),
      dependsOn: { air: 'ready' },
      ready: { log: 'accepting work' },
    },
    grove: {
      description: 'worker pool, ready when its marker file exists',
      command: node('grove'),
      dependsOn: { air: 'started' },
      ready: { exec: ['test', '-f', '.land/run/grove.ready'] },
    },
    sidecar: {
      description: 'one-shot task that completes with 0',
      command: node('sidecar'),
      dependsOn: { air: 'ready' },
    },
    worker: {
      description: "job runner on the plain OpenTelemetry SDK (not land's library): exports to land's receiver",
      command: node('worker'),
      dependsOn: { air: 'ready' },
      ready: { log: 'ready for jobs' },
    },
  },
});
