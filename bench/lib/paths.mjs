// Where the harness lives and what it runs.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = join(BENCH_DIR, '..');
export const LAND_BIN = join(ROOT, 'bin', 'land.js');
export const CHILD = join(BENCH_DIR, 'child.mjs');
export const BASELINE = join(BENCH_DIR, 'baseline.mjs');
export const RESULTS_DIR = join(BENCH_DIR, 'results');
