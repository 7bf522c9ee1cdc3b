/** air: a long-running daemon on its own port. Restarted by land if it fails. */
import { createServer } from 'node:net';
import { port, runSidecar } from './lib/sidecar.js';

await runSidecar('air', async () => {
  let connections = 0;
  const server = createServer((socket) => {
    socket.on('error', () => undefined); // a probe that hangs up at once is not a reason to crash
    connections += 1;
    socket.end(`air ${connections}\n`);
  });
  await new Promise<void>((resolve) => server.listen(port('AIR_PORT', 47103), '127.0.0.1', resolve));
  console.log(`daemon up on port ${port('AIR_PORT', 47103)}`);
  const beat = setInterval(() => console.log(`heartbeat: ${connections} connection(s) so far`), 10_000);
  return () => {
    clearInterval(beat);
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
});
