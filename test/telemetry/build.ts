/** Where the telemetry tests find the build (test/global-setup.ts compiles dist/ before any test). */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TELEMETRY_BUILD = join(REPO, 'dist', 'src', 'telemetry', 'index.js');
export const FIXTURES = join(REPO, 'test', 'telemetry', 'fixtures');
