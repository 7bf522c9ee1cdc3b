/**
 * The page's files, built by `npm run build` into `dist/dashboard/` (scripts/bundle.mjs) and shipped in the package:
 * no CDN, works offline. Read once, gzipped once, served with a strict Content-Security-Policy.
 */
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

interface Asset {
  type: string;
  plain: Buffer;
  gzip: Buffer;
}

/** Only this origin's scripts, styles and connections; no framing (clickjacking), no inline script. */
export const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  // The login URL carries the token: never send it on as a referrer.
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** `<package root>/dist/dashboard`, from wherever this module runs (the CLI bundle or tsc's output). */
function assetDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i += 1) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'land') return join(dir, 'dist', 'dashboard');
    } catch {
      // keep walking up
    }
    dir = dirname(dir);
  }
  throw new Error('the dashboard page is missing: run `npm run build`');
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>land dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/app.css">
<script type="module" src="/assets/app.js"></script>
</head>
<body><div id="app"><p class="loading">Loading the dashboard…</p></div><noscript>The dashboard needs JavaScript.</noscript></body>
</html>
`;

export class Assets {
  private readonly files = new Map<string, Asset>();

  constructor(dir = assetDir()) {
    const add = (path: string, type: string, plain: Buffer) => this.files.set(path, { type, plain, gzip: gzipSync(plain) });
    add('/', 'text/html; charset=utf-8', Buffer.from(PAGE));
    add('/assets/app.js', 'text/javascript; charset=utf-8', readFileSync(join(dir, 'app.js')));
    add('/assets/app.css', 'text/css; charset=utf-8', readFileSync(join(dir, 'app.css')));
  }

  /** Serves `path` if it is one of the page's files; false otherwise. */
  serve(path: string, acceptEncoding: string | undefined, res: ServerResponse): boolean {
    const asset = this.files.get(path);
    if (!asset) return false;
    const gzip = /\bgzip\b/.test(acceptEncoding ?? '');
    const body = gzip ? asset.gzip : asset.plain;
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': asset.type,
      'content-length': body.length,
      'cache-control': 'no-cache',
      vary: 'accept-encoding',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    res.end(body);
    return true;
  }
}
