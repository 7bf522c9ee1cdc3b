// The command line of an A/B script that compares this build of land with another (bench/ui-ab.mjs,
// bench/relay-ab.mjs) or with several (bench/startup-ab.mjs, bench/spawn-ab.mjs: `--other <dir>[,<dir>…]`): `--other <dir>` (bin/ and dist/ of the other build), `--this <dir>` (instead of this
// checkout's build, so a rebuild meanwhile does not change what is measured), and its own options.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { LAND_BIN } from './paths.mjs';

const binOf = (dir) => join(resolve(dir), 'bin', 'land.js');
const optionOf = (args) => (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);

function refuse(usage) {
  process.stderr.write(`usage: ${usage}\n`);
  process.exit(2);
}

/** { option(name, fallback), thisBin, otherBin }; prints `usage` and exits 2 when a build is missing. */
export function abBuilds(args, usage) {
  const option = optionOf(args);
  const other = option('--other');
  const otherBin = other && binOf(other);
  const thisBin = args.includes('--this') ? binOf(option('--this')) : LAND_BIN;
  if (!otherBin || !existsSync(otherBin) || !existsSync(thisBin)) refuse(usage);
  return { option, thisBin, otherBin };
}

/** { option, builds: [[name, bin], …] } with this build first (`this`), then each `--other` by its folder's name. */
export function abManyBuilds(args, usage) {
  const option = optionOf(args);
  const builds = [['this', args.includes('--this') ? binOf(option('--this')) : LAND_BIN]];
  for (const dir of (option('--other') ?? '').split(',').filter(Boolean)) builds.push([basename(resolve(dir)), binOf(dir)]);
  if (builds.length < 2 || builds.some(([, bin]) => !existsSync(bin))) refuse(usage);
  return { option, builds };
}

/** `list` in the order of round `round` (from 1): rotated one further each round, so no variant always comes first. */
export function rotated(list, round) {
  const shift = (round - 1) % list.length;
  return [...list.slice(shift), ...list.slice(0, shift)];
}

/**
 * The in-process replays (bench/printer-replay.mjs, bench/relay-replay.mjs): each round runs `node <script> --child
 * <target> …extra` once per build, in a rotating order; `each(round, name, result)` gets what the run printed (JSON).
 */
export function childRounds(script, builds, rounds, extra, each) {
  for (let round = 1; round <= rounds; round++) {
    for (const [name, target] of rotated(Object.entries(builds), round)) {
      const run = spawnSync(process.execPath, [script, '--child', target, ...extra], { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`${name}: ${run.stderr}`);
      each(round, name, JSON.parse(run.stdout));
    }
  }
}

/** The load average before and after a run, as the scripts print it last. */
export function loadLine(before, after = loadavg()) {
  const fmt = (load) => load.map((l) => l.toFixed(2)).join(' ');
  return `load average (1, 5, 15 min) before ${fmt(before)} · after ${fmt(after)}\n`;
}

/**
 * A code cache folder per variant (XDG_CACHE_HOME, in `env` for land-ui's launch): with the one shared cache the builds
 * evict each other's entries, and one may start cold and compile in the window. `remove()` at the end.
 */
export function cacheFolders() {
  const root = mkdtempSync(join(tmpdir(), 'land-ab-caches-'));
  return { of: (id) => ({ XDG_CACHE_HOME: join(root, id) }), remove: () => rmSync(root, { recursive: true, force: true }) };
}
