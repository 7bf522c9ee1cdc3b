/**
 * The control server of a running stack: the API on `.land/run/land.sock` and, when asked for, on 127.0.0.1:<port>
 * behind a bearer token (for a Prometheus scraper). Closing it ends every open stream and connection, so nothing
 * of it keeps land alive.
 */
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { answerClientErrors } from './client-error.js';
import type { SupervisorControl } from '../supervisor/types.js';
import { hasBearer, newToken } from './auth.js';
import { listenOnSocket } from './listen.js';
import type { BootStore } from '../receiver/store/boot-store.js';
import { Connections, drainConnections } from './drain.js';
import { createMetrics } from './metrics.js';
import { ensureSocketDir, socketPath } from './paths.js';
import { createRequestListener, type RouteContext } from './routes.js';
import { ShutdownWatch } from './shutdown-wait.js';
import { StreamSet } from './streams.js';

export interface ControlServerOptions {
  control: SupervisorControl;
  rootDir: string;
  /** Also serve on 127.0.0.1:<port> (0: any free port). */
  port?: number;
  /** The dashboard's login URL (GET /dashboard), on the Unix socket only. */
  dashboardUrl?: () => string | undefined;
  /** The receiver's store: its log records join `land logs`. */
  receiver?: BootStore;
  /** The boot's trace context for `land run` (SpawnTracer.bootContextEnv), on the Unix socket only. */
  bootContext?: Record<string, string>;
}

export interface ControlServer {
  socketPath: string;
  tcp?: { port: number; token: string };
  /** End every stream, drop every connection, stop listening, remove the socket. */
  close(): Promise<void>;
  /** From a process 'exit' handler: at least do not leave the socket behind. */
  removeSocketNow(): void;
}

function listenTcp(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    // The caller names the flag (cannotListen).
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const { control, rootDir } = options;
  ensureSocketDir(rootDir);
  const path = socketPath(rootDir);
  const { pid, bootId, pidNs } = control.snapshot();
  const streams = new StreamSet();
  const shutdownWatch = new ShutdownWatch(control);
  const ctx: RouteContext = { control, metrics: createMetrics(control), streams, shutdownWatch, identity: { pid, bootId, ...(pidNs ? { pidNs } : {}) }, records: options.receiver?.logs };
  const local = createServer(createRequestListener({ ...ctx, dashboardUrl: options.dashboardUrl, bootContext: options.bootContext }));
  answerClientErrors(local);

  const connections = new Connections();
  connections.track(local);
  await listenOnSocket(local, path);
  const servers = [local];
  let tcp: ControlServer['tcp'];
  if (options.port !== undefined) {
    const token = newToken();
    const remote = createServer(createRequestListener({ ...ctx, overTcp: true }, (req) => hasBearer(req, token)));
    answerClientErrors(remote);
    connections.track(remote);
    try {
      tcp = { port: await listenTcp(remote, options.port), token };
    } catch (error) {
      await closeServer(local);
      throw error;
    }
    servers.push(remote);
  }

  let closing: Promise<void> | undefined;
  return {
    socketPath: path,
    tcp,
    close() {
      closing ??= (async () => {
        // Ended: each answer's last bytes are queued; a reader behind that keeps reading still gets them (drain.ts).
        streams.endAll();
        connections.refuse();
        await drainConnections(connections.open);
        await Promise.all(servers.map(closeServer));
        rmSync(path, { force: true });
      })();
      return closing;
    },
    removeSocketNow() {
      // After close() the path may already belong to a newer land.
      if (!closing) rmSync(path, { force: true });
    },
  };
}
