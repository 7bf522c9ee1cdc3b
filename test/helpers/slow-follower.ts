/** A client that reads a control socket's stream slowly: it keeps a closing land's control server draining (drain.ts). */
import { request, type IncomingMessage } from 'node:http';

/** A streaming GET that reads 4 KiB every 200 ms once its answer has started: behind, but never stalled. */
export async function slowFollower(socketPath: string, path: string): Promise<{ stop(): void }> {
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request({ socketPath, path, agent: false }, resolve);
    req.on('error', reject);
    req.end();
  });
  res.pause();
  res.on('error', () => undefined);
  const timer = setInterval(() => res.read(4096), 200);
  return {
    stop() {
      clearInterval(timer);
      res.destroy();
    },
  };
}
