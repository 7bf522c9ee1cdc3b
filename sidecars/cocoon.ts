/** cocoon: the extension host stand-in. Listens on a TCP port; ready when it accepts. */
import { createServer } from 'node:net';
import { port, runSidecar } from './lib/sidecar.js';

await runSidecar('cocoon', async () => {
  const skip = process.env.Skip === 'true';
  console.log(skip ? 'skipping built-in extensions (Skip=true)' : 'loading built-in extensions');
  const server = createServer((socket) => {
    socket.on('error', () => undefined); // a probe that hangs up at once is not a reason to crash
    socket.end('cocoon\n');
  });
  await new Promise<void>((resolve) => server.listen(port('COCOON_PORT', 47101), '127.0.0.1', resolve));
  const address = server.address();
  console.log(`extension host listening on ${typeof address === 'object' && address ? address.port : '?'}`);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
});
