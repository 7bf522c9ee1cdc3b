/** wind: the preload step. Prepares what sky needs, then completes with 0. */
import { setTimeout as sleep } from 'node:timers/promises';
import { runTask } from './lib/sidecar.js';

await runTask('wind', async () => {
  for (const step of ['fonts', 'themes', 'keymaps']) {
    await sleep(20);
    console.log(`preloaded ${step}`);
  }
  console.log('preload complete');
});
