/**
 * The dashboard's listener: loopback only, a free port unless one is given. This module is small on purpose (node's
 * http and crypto, already loaded by the control server): `land up` opens it and prints the login URL before the
 * children start, while the pages, API and streams (app.ts) load on the first authenticated request.
 *
 * Every request: a Host header that is not 127.0.0.1/localhost with this port → 403 (DNS rebinding); `/login?token=`
 * with the right token → a session cookie and a redirect to the page; no session → 401; an action (any method but
 * GET/HEAD) that does not come from this origin → 403.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { answerClientErrors } from '../control/client-error.js';
import { requestUrl, type RequestTarget } from '../control/http-util.js';
import { oneLine } from '../errors.js';
import { DashboardAuth } from './auth.js';
import type { DashboardApp } from './app.js';
import type { DashboardSources } from './sources.js';

export interface DashboardServer {
  port: number;
  /** `http://127.0.0.1:<port>/login?token=…`: for the person who started land only. */
  loginUrl: string;
  close(): Promise<void>;
}

export interface DashboardServerOptions {
  /** 0: any free port. */
  port: number;
  /** Called once, on the first authenticated request (so what it loads stays out of `land up`'s start). */
  sources: () => DashboardSources | Promise<DashboardSources>;
}

function refuse(res: ServerResponse, status: number, message: string): void {
  const code = status === 401 ? 'unauthorized' : status === 400 ? 'bad-request' : 'forbidden';
  const body = `${JSON.stringify({ error: { code, message } })}\n`;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

export async function startDashboardServer(options: DashboardServerOptions): Promise<DashboardServer> {
  let auth: DashboardAuth | undefined;
  let app: Promise<DashboardApp> | undefined;
  let closed = false;
  const loadApp = () => (app ??= import('./app.js').then(async ({ createDashboardApp }) => createDashboardApp(await options.sources())));

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (!auth || closed) return refuse(res, 503, 'the dashboard is not serving');
    if (!auth.hostAllowed(req)) return refuse(res, 403, `refused: Host must be 127.0.0.1:${auth.port} or localhost:${auth.port}`);
    let target: RequestTarget;
    try {
      target = requestUrl(req, 'http://dashboard');
    } catch (error) {
      return refuse(res, 400, oneLine(error));
    }
    const { url } = target;
    if (url.pathname === '/login' && req.method === 'GET') {
      req.resume();
      const session = auth.login(url.searchParams.get('token'));
      if (!session) return refuse(res, 401, 'wrong or missing login token: use the URL `land dashboard` prints');
      res.writeHead(303, { location: '/', 'set-cookie': auth.sessionCookie(session), 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
      res.end();
      return;
    }
    if (!auth.hasSession(req)) return refuse(res, 401, 'log in with the URL `land dashboard` prints');
    if (req.method !== 'GET' && req.method !== 'HEAD' && !auth.sameOrigin(req)) return refuse(res, 403, 'refused: not from this dashboard');
    loadApp().then(
      (loaded) => (closed ? refuse(res, 503, 'the dashboard is not serving') : loaded.handle(req, res, target)),
      (error: unknown) => refuse(res, 500, `the dashboard failed to load: ${String(error)}`),
    );
  };

  const server = createServer(handle);
  answerClientErrors(server);
  // A browser keeps connections open: they must not keep land alive.
  server.keepAliveTimeout = 5000;
  const port = await listen(server, options.port);
  auth = new DashboardAuth(port);
  return {
    port,
    loginUrl: auth.loginUrl(),
    async close() {
      closed = true;
      if (app) (await app.catch(() => undefined))?.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
