/** Helpers for the dev-loop tests (replicas, scale, watch, start). */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** Generous against hangs only: each step of these tests is a real CLI process, slow on a loaded machine. */
export const E2E_TIMEOUT = 240_000;

function isFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

/** A base port with `count` free ports from it (replica n listens on base + n - 1). */
export async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    const free = await Promise.all(Array.from({ length: count }, (_, i) => isFree(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

/** The project's config, rewritten as an edit would (`land apply`'s tests). */
export function writeConfig(dir: string, config: Record<string, unknown>): void {
  writeFileSync(join(dir, 'land.config.mjs'), `export default ${JSON.stringify(config, null, 2)};\n`);
}
