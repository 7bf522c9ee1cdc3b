// Modules of ink that land replaces with its own (src/tui/ink-overrides/, each says why), used by the bundle
// (scripts/bundle.mjs) and by the tests (vitest.config.ts), so both run the same UI. Keyed by the relative import ink's
// own files use (and one package they import); ink is pinned to an exact version, and test/tui/ink-overrides.test.ts holds each replacement to the
// original's results.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export const INK_OVERRIDES = {
  './output.js': join(root, 'src', 'tui', 'ink-overrides', 'output.ts'),
  './measure-text.js': join(root, 'src', 'tui', 'ink-overrides', 'measure-text.ts'),
  './wrap-text.js': join(root, 'src', 'tui', 'ink-overrides', 'wrap-text.ts'),
  'widest-line': join(root, 'src', 'tui', 'ink-overrides', 'widest-line.ts'),
};

/** The replacement for `specifier` imported from a file in `importerDir`, if it is one of ink's that land replaces. */
export function inkOverride(specifier, importerDir) {
  if (!/[/\\]node_modules[/\\]ink[/\\]build$/.test(importerDir)) return undefined;
  return INK_OVERRIDES[specifier];
}
