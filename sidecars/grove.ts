/** grove: a worker pool that marks itself ready with a file (land's exec probe checks it). */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { runSidecar } from './lib/sidecar.js';

await runSidecar('grove', async () => {
  const marker = process.env.GROVE_READY_FILE ?? '.land/run/grove.ready';
  console.log('starting 2 workers');
  mkdirSync(dirname(marker), { recursive: true });
  writeFileSync(marker, String(process.pid));
  console.log(`workers ready (marker ${marker})`);
  return () => rmSync(marker, { force: true });
});
