// land with the config people write: `land.config.ts` (the default name, what `land init` and the README show),
// typed and importing defineConfig from 'land', against the plain `.mjs` the other land contenders boot.
//   land-ts        the config compiled on an earlier run (`land check` before the timed launch): every start but the
//                  first after an edit
//   land-ts-cold   the first start after an edit: nothing compiled yet (.land/cache/config is empty)
//   land-ts-jiti   LAND_CONFIG_CACHE=off: through jiti on every start, as land loaded TypeScript before the cache
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAND_BIN } from './paths.mjs';

/** The same stack as the .mjs config, written as TypeScript: typed helpers and a type import from 'land'. */
export function writeTypeScriptConfig(dir, { tiers, ...top }) {
  const file = join(dir, 'land.config.ts');
  const lines = [
    "import { defineConfig, type TierConfig } from 'land';",
    '',
    'const tier = (command: string[]): TierConfig => ({ command });',
    '',
    `export default defineConfig({`,
    ...Object.entries(top).map(([key, value]) => `  ${key}: ${JSON.stringify(value)},`),
    '  tiers: {',
    ...Object.entries(tiers).map(([name, { command }]) => `    ${JSON.stringify(name)}: tier(${JSON.stringify(command)}),`),
    '  },',
    '});',
    '',
  ];
  writeFileSync(file, lines.join('\n'));
  return file;
}

/** What an earlier start left: the compiled config in .land/cache/config (`land check` compiles it the same way). */
export function warmConfigCache(file, env, bin = LAND_BIN) {
  const result = spawnSync(process.execPath, [bin, 'check', '--config', file], { stdio: 'ignore', env, timeout: 60_000 });
  if (result.status !== 0) throw new Error(`land check --config ${file} exited with ${result.status ?? result.signal}`);
}

/** The contenders, launched by contenders.mjs's `launchLand(id, options, typescript)`. */
export const LAND_TS_CONTENDERS = (launchLand) => ({
  'land-ts': { label: 'land (land.config.ts)', needs: [], launch: (options) => launchLand('land-ts', options, { warm: true }) },
  'land-ts-cold': { label: 'land (land.config.ts, first start)', needs: [], launch: (options) => launchLand('land-ts-cold', options, { warm: false }) },
  'land-ts-jiti': {
    label: 'land (land.config.ts through jiti)',
    needs: [],
    launch: (options) => launchLand('land-ts-jiti', options, { warm: false, env: { LAND_CONFIG_CACHE: 'off' } }),
  },
});
