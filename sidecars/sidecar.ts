/** sidecar: a one-shot task that does its work and completes with 0. */
import { runTask } from './lib/sidecar.js';

await runTask('sidecar', async () => {
  console.log('indexing workspace');
  let files = 0;
  for (let i = 0; i < 5; i++) files += 17 + i;
  console.log(`indexed ${files} files`);
});
