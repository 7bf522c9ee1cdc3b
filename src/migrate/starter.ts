/**
 * What `land init` writes in a folder with nothing to convert: a minimal config that boots as it is (one tier that
 * needs only node, which runs land), with the keys a first stack reaches for shown in comments.
 */
export const STARTER_TIER = 'hello';

export const STARTER_CONFIG = `// Written by \`land init\`: a starter. Every key: README.md, "Configuration: land.config.ts".
// \`land check\` lists what is wrong with it; \`land up\` boots it (q or Ctrl-C stops it).
import { defineConfig } from 'land';

export default defineConfig({
  // app: 'my-app',                 // the stack's name (default: this folder's name)
  // defaultProfile: 'debug',       // profiles/<name>.env, when there are profiles
  tiers: {
    // One tier per process: an argv (no shell), or a string with shell: true.
    ${STARTER_TIER}: {
      command: ['node', '-e', "console.log('hello from land'); setInterval(() => {}, 1 << 30)"],
      // cwd: 'services/api',       // relative to this file
      // env: { PORT: '3000' },
      // ready: { tcp: 3000 },      // or { http: 'http://127.0.0.1:3000/health' }, { log: 'listening' }
    },
    // api: { command: ['npm', 'run', 'dev'], dependsOn: { db: 'ready' } },
  },
});
`;
