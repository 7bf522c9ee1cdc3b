/** sky: the renderer stand-in. An HTTP server with /health; ready when /health answers 200. */
import { createServer } from 'node:http';
import { port, runSidecar } from './lib/sidecar.js';

await runSidecar('sky', async () => {
  let requests = 0;
  const server = createServer((request, response) => {
    if (request.url === '/health') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      return;
    }
    requests += 1;
    response.writeHead(200, { 'content-type': 'text/plain' }).end(`sky has served ${requests} page(s)\n`);
  });
  await new Promise<void>((resolve) => server.listen(port('SKY_PORT', 47102), '127.0.0.1', resolve));
  console.log(`renderer serving on http://127.0.0.1:${port('SKY_PORT', 47102)}`);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
});
