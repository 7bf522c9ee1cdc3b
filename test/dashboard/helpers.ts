/** A stack with the dashboard on, and plain HTTP requests to it (with any Host, Origin or cookie a test needs). */
import { request } from 'node:http';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll } from 'vitest';
import { launchChromium } from '../../scripts/chromium.mjs';
import { cleanUp } from '../control/helpers.js';
import { ROOT, land, makeProject, removeProjects, type LandRun } from '../helpers/land.js';

export const TRACED = join(ROOT, 'test', 'fixtures', 'traced-child.mjs');
export const CHATTY = join(ROOT, 'test', 'fixtures', 'chatty-child.mjs');

/** air (traced: records air.work under its spawn span), worker (chatty, after air), recording on. */
export function dashboardProject(extraConfig: Record<string, unknown> = {}): string {
  return makeProject({
    config: {
      app: 'dash',
      tiers: {
        air: { command: ['node', TRACED], ready: { log: 'traced child air up' } },
        worker: { command: ['node', CHATTY], dependsOn: { air: 'ready' }, ready: { log: 'chatty up' }, env: { API_TOKEN: 'tok-secret-value-123' } },
      },
      ...extraConfig,
    },
    files: { '.env.Land.PostHog': 'Capture=true\nRecord=1\n' },
  });
}

export async function upWithDashboard(dir: string, args: string[] = []): Promise<{ run: LandRun; url: string; port: number }> {
  const run = land(['up', '--no-tui', ...args], dir, { TRACEPARENT: undefined });
  const match = await run.waitFor(/land: dashboard on (http:\/\/127\.0\.0\.1:(\d+)\/login\?token=\S+)/);
  return { run, url: match[1]!, port: Number(match[2]) };
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request to the dashboard with exactly the headers given (Host included): what a browser cannot fake. */
export function call(port: number, path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: { host: `127.0.0.1:${port}`, ...options.headers }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      // A stream (/api/stream) never ends: its first bytes are enough.
      res.on('data', (chunk: string) => {
        body += chunk;
        if (res.headers['content-type']?.startsWith('text/event-stream')) res.destroy();
      });
      const done = () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      res.on('end', done);
      res.on('close', done);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The session cookie a login gives (name=value). */
export async function login(port: number, url: string): Promise<string> {
  const answer = await call(port, new URL(url).pathname + new URL(url).search);
  const cookie = [answer.headers['set-cookie']].flat()[0];
  if (answer.status !== 303 || !cookie) throw new Error(`login failed: ${answer.status} ${answer.body}`);
  return cookie.split(';')[0]!;
}

/**
 * For a browser test file: the land runs and Chromiums it starts are all closed after it (a test that fails half-way
 * leaves nothing running). `openPage` starts a Chromium with one page and collects the page's uncaught errors.
 */
export function browserSession(): { runs: LandRun[]; openPage(): Promise<{ page: Page; pageErrors: string[]; context: BrowserContext }> } {
  const runs: LandRun[] = [];
  const browsers: Array<{ close(): Promise<void> }> = [];
  afterAll(async () => {
    for (const browser of browsers.splice(0)) await browser.close();
    await cleanUp(runs);
    removeProjects();
  });
  return {
    runs,
    async openPage() {
      const browser = await launchChromium();
      browsers.push(browser);
      const page = await browser.context.newPage();
      // Generous: a busy machine slows Chromium down (no test here asserts speed).
      page.setDefaultTimeout(60_000);
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      return { page, pageErrors, context: browser.context };
    },
  };
}
