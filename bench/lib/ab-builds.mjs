// The command line of an A/B script that compares this build of land with another (bench/ui-ab.mjs,
// bench/relay-ab.mjs): `--other <dir>` (bin/ and dist/ of the other build), `--this <dir>` (instead of this
// checkout's build, so a rebuild meanwhile does not change what is measured), and its own options.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LAND_BIN } from './paths.mjs';

/** { option(name, fallback), thisBin, otherBin }; prints `usage` and exits 2 when a build is missing. */
export function abBuilds(args, usage) {
  const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
  const other = option('--other');
  const otherBin = other && join(resolve(other), 'bin', 'land.js');
  const thisBin = args.includes('--this') ? join(resolve(option('--this')), 'bin', 'land.js') : LAND_BIN;
  if (!otherBin || !existsSync(otherBin) || !existsSync(thisBin)) {
    process.stderr.write(`usage: ${usage}\n`);
    process.exit(2);
  }
  return { option, thisBin, otherBin };
}
