#!/usr/bin/env node
// The land command: runs the bundled CLI (built by `npm ci` / `npm run build` through the prepare script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('land: not built yet: run `npm run build` in the land package\n');
  process.exit(1);
}
const { main } = await import(entry.href);
// Exit explicitly: telemetry clients may hold timers, and stdout/stderr are synchronous on pipes and files.
process.exit(await main(process.argv.slice(2)));
