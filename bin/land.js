#!/usr/bin/env node
// The land command: runs the bundled CLI (dist/cli: built by `npm run build`, which `npm test`, `npm start` and
// `npm pack` run first; a published package ships it built), through its V8 code cache (src/startup/code-cache.ts).
// CommonJS (bin/package.json says so): an ES module entry makes node set up its ES module loader and compile the
// entry with no code cache, ≈ 10 ms of CPU on every start (docs/decisions.md, "Start-up, fifth pass"); a config
// that is an ES module still loads through that loader, when it is imported.
'use strict';
// `land up`: a Ctrl-C (SIGTERM, SIGHUP) while land loads is kept for its start, which stops at its next step and says
// so (src/cli/start-interrupt.ts takes this listener's place); with no listener node died of it without a word.
if (process.argv[2] === 'up') {
  const keep = (signal) => void (globalThis[Symbol.for('land.earlySignal')] ??= signal);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, keep);
  globalThis[Symbol.for('land.earlySignalListener')] = keep;
}
const { existsSync } = require('node:fs');
const path = require('node:path');

const entry = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
const loader = path.join(__dirname, '..', 'dist', 'cli', 'code-cache.cjs');
const manifest = path.join(__dirname, '..', 'dist', 'cli', 'package.json');
if (!existsSync(entry) || !existsSync(loader) || !existsSync(manifest)) {
  process.stderr.write('land: not built yet: run `npm run build` in the land package\n');
  process.exit(1);
}
const { loadCli, flushCodeCache, leanV8Flags } = require(loader);

// V8 flags of `land up` (src/runtime/v8-flags.ts lists them, by V8 version), set here, before the bundle loads (and
// so before its code cache is read: V8 rejects cached data written under other flags):
// - no optimizing compiler until land is busy (src/runtime/optimizer.ts turns it on): something would be optimized
//   while the bundle loads, and the ~4 MB that costs would be spent anyway;
// - one reducing collection of the start-up garbage, not two: on an idle stack the second frees nothing and costs
//   as much as the first (docs/decisions.md, "An idle stack's wake-ups"). V8 reads it at each step of its reducer;
// - no baseline compiler (Sparkplug) and a young generation that does not grow until land is busy (the optimizer
//   turns both back on with TurboFan): an idle stack's boot grew the semi-spaces from 1 to 4 MB and filled code
//   space with baseline code it never needed (docs/decisions.md, "Memory, fifth wave").
// `land spawn` with no stack running runs one tier in the foreground, as `land up` does; into a running stack it is
// a short client, which keeps them for its few milliseconds.
const stack = process.argv[2] === 'up' || process.argv[2] === 'spawn';
// node's own modules that `land up` loads before its first spawn, loaded before the flags change: node compiles its
// modules from a code cache built into its binary, which V8 checks against the flags like any other, so once they
// differ every module loaded is compiled from its source, at about twice the CPU (docs/decisions.md, "Start-up,
// third pass"). The loader's own (vm, os) came in above; stdout's and stderr's streams (tty, pipe or file) too.
const STACK_BUILTINS = ['node:child_process', 'node:crypto', 'node:http', 'node:dns', 'node:cluster', 'node:tty', 'node:fs/promises', 'node:timers/promises', 'node:perf_hooks', 'node:process'];
async function setStackFlags() {
  for (const name of STACK_BUILTINS) require(name);
  void process.stdout, void process.stderr; // their getters load their streams' modules
  // node's ES module loader too: the config (a .mjs, or a land.config.ts's compiled module) is loaded before the first
  // spawn, by require() (src/config/require-module.ts). esm-preload.mjs imports one of node's modules, as configs
  // do, so that the loader's resolver comes in now too. Not `import('node:process')`, as before: that built the
  // process module's ES facade, running every getter of `process` (stdin's stream, the report, the allowed flags).
  try {
    require('./esm-preload.mjs');
  } catch {
    await import('./esm-preload.mjs'); // a node without require() of ES modules
  }
  const flags = leanV8Flags();
  const { setFlagsFromString } = require('node:v8');
  // One call each: V8 ignores what follows a flag it rejects.
  for (const flag of flags) setFlagsFromString(flag);
  globalThis[Symbol.for('land.v8FlagsAtStart')] = flags; // for src/runtime/v8-flags.ts
}

/** Runs the command and exits with its code. */
async function run() {
  if (stack) await setStackFlags();
  // The code cache keeps the data of each set of V8 flags apart (V8 rejects data written under other flags).
  const { main } = await loadCli(entry, stack ? 'stack' : '');
  const code = await main(process.argv.slice(2));
  flushCodeCache();
  // Exit explicitly (telemetry clients may hold timers), once stdout has taken everything: a pipe whose reader is
  // slower than land is written asynchronously, and exiting at once cut `land logs … | wc -c` at 128 KiB. An empty
  // write's callback runs once all before it is written: 'drain' comes only after a write past the high-water mark,
  // so with less queued it never came and the loop ran dry (exit 13, below) instead.
  if (process.stdout.writableLength > 0) {
    await new Promise((resolve) => {
      process.stdout.write('', resolve);
      process.stdout.once('error', resolve);
      process.stdout.once('close', resolve);
    });
  }
  process.exit(code);
}
// What an ES module entry's unsettled top-level await exits with: the loop ran dry before the command ended (a
// promise nothing will settle), which must not pass for success. process.exit(code) above replaces it.
process.exitCode = 13;
run().catch((error) => {
  process.stderr.write(`land: fatal: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
