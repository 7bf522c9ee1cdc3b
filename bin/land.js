#!/usr/bin/env node
// The land command: runs the bundled CLI (dist/cli: built by `npm run build`, which `npm test`, `npm start` and
// `npm pack` run first; a published package ships it built).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('land: not built yet: run `npm run build` in the land package\n');
  process.exit(1);
}
const { main } = await import(entry.href);
// Exit explicitly: telemetry clients may hold timers, and stdout/stderr are synchronous on pipes and files.
process.exit(await main(process.argv.slice(2)));
