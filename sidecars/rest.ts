/** rest: a worker that announces readiness with a log line (land's log probe). */
import { runSidecar } from './lib/sidecar.js';

await runSidecar('rest', async () => {
  console.log('warming caches');
  await new Promise((resolve) => setTimeout(resolve, 50));
  console.log('rest: accepting work');
  const tick = setInterval(() => console.log('rest: idle'), 15_000);
  return () => clearInterval(tick);
});
