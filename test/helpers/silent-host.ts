/** A telemetry host that never answers: land's last flush to it holds land's exit for the flush's bound. */
import { createServer, type Socket } from 'node:net';

/** A host that takes connections and never answers; `close` ends them with it. */
export async function silentHost(): Promise<{ url: string; close(): void }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket.on('error', () => undefined));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () => {
    server.close();
    for (const socket of sockets) socket.destroy();
  };
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, close };
}

/** The env file that sends a stack's PostHog events and spans to that host. */
export const silentHostEnv = (url: string) =>
  `Authorize=phc_silent_host_test\nCapture=true\nReport=true\nBeam=${url}\nOTLPEnabled=true\nOTLPEndpoint=${url}\n`;
