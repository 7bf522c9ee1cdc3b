/**
 * Who may talk to the dashboard. A login token (printed once to the person who started land) is exchanged for a
 * session cookie (HttpOnly, SameSite=Strict); every other request needs that cookie. The Host header must name the
 * loopback address or `localhost` with the dashboard's own port, so a page on another site cannot reach it through
 * DNS rebinding; actions also need an Origin (or Sec-Fetch-Site) that says the request came from the dashboard.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function newSecret(): string {
  return randomBytes(24).toString('base64url');
}

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Sessions kept at most. Each `/login?token=` makes one (a browser, a script, a reload of the login URL), and they
 * were kept for the life of the stack: a loop over the login URL grew land's memory without bound. Past the cap, a
 * login drops the session used longest ago.
 */
export const MAX_SESSIONS = 32;
/** A session unused this long is forgotten; its page logs in again with the URL `land dashboard` prints. */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;

export class DashboardAuth {
  readonly token = newSecret();
  /** Session → when it was last used; in order of last use, the longest unused first. */
  private readonly sessions = new Map<string, number>();
  /** Cookies are not separated by port: two stacks on one machine each get a cookie of their own name. */
  readonly cookieName: string;
  private readonly hosts: ReadonlySet<string>;

  constructor(
    readonly port: number,
    private readonly now: () => number = Date.now,
  ) {
    this.cookieName = `land_dashboard_${port}`;
    this.hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  }

  /** The Host header names this dashboard on loopback (anything else may be a rebinding attack). */
  hostAllowed(req: IncomingMessage): boolean {
    const host = req.headers.host;
    return host !== undefined && this.hosts.has(host.toLowerCase());
  }

  /** The request was made by a page of this dashboard (for actions): the Origin, else the browser's fetch metadata. */
  sameOrigin(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin !== undefined) {
      try {
        const url = new URL(origin);
        return url.protocol === 'http:' && this.hosts.has(url.host) && url.host === req.headers.host?.toLowerCase();
      } catch {
        return false;
      }
    }
    return req.headers['sec-fetch-site'] === 'same-origin';
  }

  /** A new session for a correct login token; undefined otherwise. */
  login(token: string | null): string | undefined {
    if (token === null || !sameSecret(token, this.token)) return undefined;
    this.forgetIdle();
    const oldest = this.sessions.keys().next();
    if (this.sessions.size >= MAX_SESSIONS && !oldest.done) this.sessions.delete(oldest.value);
    const session = newSecret();
    this.sessions.set(session, this.now());
    return session;
  }

  sessionCookie(session: string): string {
    return `${this.cookieName}=${session}; HttpOnly; SameSite=Strict; Path=/`;
  }

  /** The request carries a live session's cookie; using it keeps the session (its idle time starts over). */
  hasSession(req: IncomingMessage): boolean {
    const session = readCookie(req.headers.cookie, this.cookieName);
    if (session === undefined) return false;
    this.forgetIdle();
    for (const known of this.sessions.keys()) {
      if (!sameSecret(session, known)) continue;
      this.sessions.delete(known);
      this.sessions.set(known, this.now());
      return true;
    }
    return false;
  }

  /** How many sessions are kept (for tests and the bound's check). */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Sessions idle past SESSION_IDLE_MS, the longest unused first: stops at the first one still in use. */
  private forgetIdle(): void {
    const now = this.now();
    for (const [session, used] of this.sessions) {
      if (now - used < SESSION_IDLE_MS) return;
      this.sessions.delete(session);
    }
  }

  /** `http://127.0.0.1:<port>/login?token=…` */
  loginUrl(): string {
    return `http://127.0.0.1:${this.port}/login?token=${this.token}`;
  }
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
