/** The control API's routes (see protocol.ts): one request in, one supervisor call, one answer out. */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { StillRunning } from '../supervisor/left-behind.js';
import type { SupervisorControl } from '../supervisor/types.js';
import { ApiFailure, requestUrl, sendError, sendJson, sendThrown } from './http-util.js';
import type { LogStore } from '../receiver/store/log-store.js';
import type { Metrics } from './metrics.js';
import {
  TIER_COMMANDS,
  type CommandResult,
  type DashboardBody,
  type HealthBody,
  type RestartAllResult,
  type ScaleResult,
  type ShutdownAccepted,
  type TierCommand,
} from './protocol.js';
import { stackSelection, tierSelection } from './log-selection.js';
import type { ShutdownWatch } from './shutdown-wait.js';
import { sendLogs, streamLogs, type LogFormat } from './log-stream.js';
import { streamEvents, type StreamSet } from './streams.js';
import { streamReload } from './reload-route.js';
import { takesBody, writeStdin } from './stdin-route.js';
import { whileWorking, workBoundMs } from './working.js';
import { lineCount } from '../logs/line-count.js';
import { MAX_REPLICAS } from '../config/limits.js';
import { unknownTiers } from '../logs/selection.js';

export interface RouteContext {
  control: SupervisorControl;
  metrics: Metrics;
  streams: StreamSet;
  /** Answers `land down` when the shutdown has ended (shutdown-wait.ts). */
  shutdownWatch: ShutdownWatch;
  /** Read once at start: /health must not touch anything that could emit telemetry. */
  identity: ShutdownAccepted;
  /** The dashboard's login URL: given on the Unix socket only (same user), never on the TCP listener. */
  dashboardUrl?: () => string | undefined;
  /**
   * The boot's TRACESTATE / BAGGAGE (with a TRACEPARENT under `land.boot`), given to `GET /status?context` on the Unix
   * socket only (same user): baggage may carry anything, so it is not in the snapshot that status and the page show.
   */
  bootContext?: Record<string, string>;
  /** Serving the `--control-port` listener: GET /dashboard says where it is served instead (its URL logs in). */
  overTcp?: boolean;
  /** The receiver's log store: children's OTLP log records join `land logs`. */
  records?: LogStore;
}

/** One tier command, as the CLI sends it (also what the dashboard's buttons send). */
export function runTierCommand(control: SupervisorControl, command: TierCommand, tier: string): Promise<StillRunning[] | void> {
  switch (command) {
    case 'start':
      return control.startTier(tier);
    case 'spawn':
      // An explicit request overrides the profile's gate.
      return control.startTier(tier, { force: true });
    case 'stop':
      return control.stopTier(tier);
    case 'restart':
      return control.restartTier(tier);
  }
}

/** The instance a command named, or every replica of the tier it named. */
function tierSnapshots(control: SupervisorControl, name: string) {
  const tiers = control.snapshot().tiers.filter((candidate) => candidate.name === name || candidate.group === name);
  if (tiers.length === 0) throw new ApiFailure('unknown-tier', unknownTiers([name], control.snapshot().tiers.map((tier) => tier.name)));
  return tiers;
}

/** The instances of `name` that run now (an unknown name: none; the command says so). */
function runningInstances(control: SupervisorControl, name: string): string[] {
  return control.snapshot().tiers.filter((tier) => (tier.name === name || tier.group === name) && tier.pid !== undefined).map((tier) => tier.name);
}

/** The answer to a tier command: the instance named (a tier with replicas: its first) and every one addressed. */
export function commandResult(control: SupervisorControl, name: string, left: StillRunning[] | void = []): CommandResult {
  const tiers = tierSnapshots(control, name);
  return { ok: true, tier: tiers[0]!, tiers, ...(left && left.length > 0 ? { left } : {}) };
}

/** A query parameter given at most once (`limit=1&limit=abc` is refused, not read as its first). */
function single(url: URL, name: string): string | null {
  const values = url.searchParams.getAll(name);
  if (values.length > 1) throw new ApiFailure('bad-request', `${name}: given ${values.length} times, expected once`);
  return values[0] ?? null;
}

function parseLimit(url: URL): number | undefined {
  const value = single(url, 'limit');
  if (value === null) return undefined;
  const limit = lineCount(value);
  if (limit === undefined) throw new ApiFailure('bad-request', `limit: expected a whole number ≥ 0, got ${JSON.stringify(value)}`);
  return limit;
}

/** A `0`/`1` query parameter (absent: 0). */
function parseFlag(url: URL, name: string): boolean {
  const value = single(url, name);
  if (value === null || value === '0') return false;
  if (value === '1') return true;
  throw new ApiFailure('bad-request', `${name}: expected 0 or 1, got ${JSON.stringify(value)}`);
}

function parseFollow(url: URL): boolean {
  return parseFlag(url, 'follow');
}

function parseReplicas(value: string | null): number {
  const count = Number(value);
  if (value === null || !/^\d+$/.test(value)) throw new ApiFailure('bad-request', `replicas: expected a whole number 1..${MAX_REPLICAS}, got ${value === null ? 'nothing' : `"${value}"`}`);
  return count;
}

function parseFormat(url: URL): LogFormat {
  const value = single(url, 'format');
  if (value === null || value === 'ndjson') return 'ndjson';
  if (value === 'text') return 'text';
  throw new ApiFailure('bad-request', `format: expected text or ndjson, got ${JSON.stringify(value)}`);
}

/** One request, read: what each route needs of it. */
interface Request {
  ctx: RouteContext;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
}

/** A command that waits for stops, said to be at work (working.ts) up to a bound from the stack's tiers as they are. */
const working = <T>(control: SupervisorControl, res: ServerResponse, work: Promise<T>): Promise<T> =>
  whileWorking(res, work, () => workBoundMs(control.stopTimeouts?.() ?? []));

/** The stack's own routes, by `METHOD /path`. */
const STACK_ROUTES: Record<string, (request: Request) => unknown> = {
  'GET /health': ({ ctx, res }) => sendJson(res, 200, { ok: true, ...ctx.identity } satisfies HealthBody),
  'GET /status': ({ ctx, res, url }) => {
    const snapshot = ctx.control.snapshot();
    sendJson(res, 200, url.searchParams.has('context') && ctx.bootContext ? { ...snapshot, traceContext: ctx.bootContext } : snapshot);
  },
  'GET /metrics': async ({ ctx, res }) => {
    const { contentType, text } = await ctx.metrics.render();
    res.writeHead(200, { 'content-type': contentType });
    res.end(text);
  },
  'GET /events': ({ ctx, res }) => streamEvents(ctx.control, res, ctx.streams),
  'GET /logs': ({ ctx, res, url }) => stackLogsRoute(ctx, res, url),
  'GET /dashboard': ({ ctx, res }) => dashboardRoute(ctx, res),
  'POST /restart': async ({ ctx, res }) => sendJson(res, 200, await working(ctx.control, res, restartAllRoute(ctx.control))),
  'POST /apply': async ({ ctx, res, url }) => {
    // `land apply`: the running land reads its own config again (src/supervisor/apply.ts); `dryRun=1` only plans.
    if (!ctx.control.apply) throw new ApiFailure('not-found', 'this stack cannot apply its config');
    const dryRun = parseFlag(url, 'dryRun');
    sendJson(res, 200, await working(ctx.control, res, ctx.control.apply(dryRun)));
  },
  'POST /shutdown': ({ ctx, res, url }) => {
    // Subscribed before the shutdown begins: its end cannot be missed.
    if (url.searchParams.get('wait') === '1') ctx.shutdownWatch.wait(res, ctx.streams, ctx.identity);
    void ctx.control.shutdown('land down').catch(() => {});
    if (!res.headersSent) sendJson(res, 202, { ...ctx.identity } satisfies ShutdownAccepted);
  },
};

/**
 * The whole stack's lines (or those of the tiers named), merged: `land logs [tier…]`. Always a stream: a stack's
 * recent lines are written as the client takes them.
 */
function stackLogsRoute(ctx: RouteContext, res: ServerResponse, url: URL): void {
  const limit = parseLimit(url);
  const follow = parseFollow(url);
  if (parseFormat(url) !== 'ndjson') throw new ApiFailure('bad-request', 'format: expected ndjson (each line names its tier)');
  const wanted = [...new Set(url.searchParams.getAll('tier'))];
  const selection = stackSelection(ctx.control, ctx.records, wanted, limit);
  // Named tiers end the stream once all they name have left the stack; every tier (none named) follows new ones.
  streamLogs(ctx.control, res, ctx.streams, selection, { format: 'ndjson', follow, ...(wanted.length > 0 ? { followed: wanted } : {}) });
}

function dashboardRoute(ctx: RouteContext, res: ServerResponse): void {
  if (ctx.overTcp) {
    throw new ApiFailure('not-found', "GET /dashboard is served on the stack's Unix socket only, never on --control-port (its URL logs in): run land dashboard on the stack's machine, as its user");
  }
  const url = ctx.dashboardUrl?.();
  if (!url) throw new ApiFailure('not-found', 'the dashboard is off for this stack (--no-dashboard or dashboard.enabled: false)');
  sendJson(res, 200, { url } satisfies DashboardBody);
}

async function restartAllRoute(control: SupervisorControl): Promise<RestartAllResult> {
  if (!control.restartAll) throw new ApiFailure('not-found', 'this stack cannot restart all its tiers');
  const result = await control.restartAll();
  const names = new Set(result?.restarted ?? []);
  const tiers = control.snapshot().tiers.filter((tier) => names.has(tier.name));
  const left = result?.left ?? [];
  return { ok: true, tiers, ...(left.length > 0 ? { left } : {}) };
}

/** `/tiers/<tier>/<action>`, by `METHOD action`; the tier commands (start, stop, restart, spawn) are added below. */
const TIER_ROUTES: Record<string, (request: Request, tier: string) => unknown> = {
  'GET logs': ({ ctx, res, url }, tier) => {
    const limit = parseLimit(url);
    const format = parseFormat(url);
    const selection = tierSelection(ctx.control, ctx.records, tier, limit);
    if (parseFollow(url)) streamLogs(ctx.control, res, ctx.streams, selection, { format, follow: true, followed: [tier] });
    else sendLogs(res, selection, format);
  },
  'POST scale': async ({ ctx: { control }, res, url }, tier) => {
    const count = parseReplicas(single(url, 'replicas'));
    if (!control.scaleTier) throw new ApiFailure('not-found', 'this stack cannot scale tiers');
    const left = await working(control, res, control.scaleTier(tier, count));
    sendJson(res, 200, { ok: true, tiers: tierSnapshots(control, tier), ...(left && left.length > 0 ? { left } : {}) } satisfies ScaleResult);
  },
  'POST reload': ({ ctx: { control, streams }, res }, tier) => {
    if (!control.reloadTier) throw new ApiFailure('not-found', 'this stack cannot reload tiers');
    tierSnapshots(control, tier); // an unknown name: 404, before the answer begins
    streamReload(control, res, streams, tier);
  },
  'POST stdin': ({ ctx, req, res, url }, tier) => writeStdin(ctx.control, req, res, tier, { eof: parseFlag(url, 'eof'), interrupt: parseFlag(url, 'interrupt'), wait: parseFlag(url, 'wait') }),
};
for (const command of TIER_COMMANDS) TIER_ROUTES[`POST ${command}`] = ({ ctx, res }, tier) => tierCommandRoute(ctx.control, res, command, tier);

/** A start of a tier with replicas some of which run: those are left as they are, and the answer says which. */
async function tierCommandRoute(control: SupervisorControl, res: ServerResponse, command: TierCommand, tier: string): Promise<void> {
  const running = command === 'start' ? runningInstances(control, tier) : [];
  const left = await working(control, res, runTierCommand(control, command, tier));
  const result = commandResult(control, tier, left);
  sendJson(res, 200, running.length > 0 ? { ...result, alreadyRunning: running } : result);
}

/** A table's own handler for `key` (never one an object inherits: `GET /constructor`). */
const handlerOf = <T>(table: Record<string, T>, key: string): T | undefined => (Object.hasOwn(table, key) ? table[key] : undefined);

async function route(ctx: RouteContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { url, parts } = requestUrl(req, 'http://land');
  const method = req.method ?? 'GET';
  const request: Request = { ctx, req, res, url };
  if (parts[0] === 'tiers' && parts.length === 3) {
    const handler = handlerOf(TIER_ROUTES, `${method} ${parts[2]!}`);
    if (handler) return void (await handler(request, parts[1]!));
  } else {
    const handler = handlerOf(STACK_ROUTES, `${method} /${parts.join('/')}`);
    if (handler) return void (await handler(request));
  }
  sendError(res, 'not-found', `no such endpoint: ${method} ${url.pathname}`);
}

/** The request listener for both listeners; `authorize` (TCP only) rejects before any route runs. */
export function createRequestListener(ctx: RouteContext, authorize?: (req: IncomingMessage) => boolean): RequestListener {
  return (req, res) => {
    if (authorize && !authorize(req)) {
      res.setHeader('www-authenticate', 'Bearer');
      return sendError(res, 'unauthorized', 'missing or wrong bearer token');
    }
    // Commands carry no body (but input for a tier's stdin): drain whatever was sent so the connection can be reused.
    if (!takesBody(req)) req.resume();
    route(ctx, req, res).catch((error: unknown) => sendThrown(res, error));
  };
}
