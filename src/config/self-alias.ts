/**
 * `import { defineConfig } from 'land'` in a config must load wherever the config lives, also in a project that
 * has no node_modules/land (a global install, `npx land`, a config written by `land init`): the import is pointed
 * at the land that is loading the config. defineConfig only gives the object back, so nothing depends on which
 * copy of land a config sees.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of this land package (from the bundle in dist/cli, the library in dist/src, or the sources). */
function packageRoot(): string | undefined {
  for (let folder = path.dirname(fileURLToPath(import.meta.url)); ; ) {
    const manifest = path.join(folder, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'land') return folder;
      } catch {
        // not ours: keep looking
      }
    }
    const parent = path.dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}

/** jiti aliases for `land` and `land/telemetry`; none when the library is not built. */
export function landAliases(): Record<string, string> {
  const root = packageRoot();
  if (root === undefined) return {};
  const entries = { 'land/telemetry': 'dist/src/telemetry/index.js', land: 'dist/src/index.js' };
  const aliases: Record<string, string> = {};
  for (const [name, file] of Object.entries(entries)) if (existsSync(path.join(root, file))) aliases[name] = path.join(root, file);
  return aliases;
}
