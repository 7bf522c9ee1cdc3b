/**
 * `land init`: write a land.config.ts from a process-compose.yaml, a PM2 ecosystem file or a Procfile, or a starter
 * when there is none, then check that it loads.
 */
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { displayPath } from '../config/display-path.js';
import { importConfigWithin, loadConfig } from '../config/load.js';
import { CONFIG_FILE_NAMES, PROCFILE_NAMES } from '../config/locate.js';
import { EXIT_CONFLICT } from '../control/exit-codes.js';
import { InputError, oneLine } from '../errors.js';
import type { DraftConfig } from '../migrate/draft.js';
import { renderConfig } from '../migrate/emit.js';
import { STARTER_CONFIG, STARTER_TIER } from '../migrate/starter.js';

export interface InitOptions {
  from?: string;
  /** `-f/--procfile`: like --from, for a Procfile of any name (as `land up -f` takes it). */
  procfile?: string;
  output?: string;
  force?: boolean;
}

/** PM2's ecosystem file, as `pm2 init` names it (and as `pm2 start` takes it): its code runs, as a land config's does. */
const PM2_FILES = ['ecosystem.config.js', 'ecosystem.config.cjs', 'ecosystem.config.mjs', 'ecosystem.config.json'];

/** Looked for in the current folder, in this order, when --from is not given. */
const SOURCES = ['process-compose.yaml', 'process-compose.yml', ...PM2_FILES, ...PROCFILE_NAMES];

/** The file to convert, or undefined when there is none here (a starter is written then). */
function findSource(options: InitOptions): string | undefined {
  const [flag, from] = options.procfile !== undefined ? ['--procfile', options.procfile] : ['--from', options.from];
  if (from !== undefined) {
    const file = path.resolve(from);
    if (!existsSync(file)) throw new InputError(`${flag}: ${displayPath(file)}: file not found`);
    return file;
  }
  return SOURCES.map((name) => path.resolve(name)).find((file) => existsSync(file));
}

async function draftFrom(file: string, procfile: boolean, output: string): Promise<DraftConfig> {
  const label = path.basename(file);
  const text = readFileSync(file, 'utf8');
  if (!procfile && /\.ya?ml$/i.test(file)) return (await import('../migrate/from-process-compose.js')).draftFromProcessCompose(text, label);
  if (!procfile && /\.(c?js|mjs|json)$/i.test(file)) {
    // pm2 reads an app's relative cwd from the folder `pm2 start` runs in: here, the one init runs in.
    const context = { base: process.cwd(), configDir: path.dirname(output), warnings: [] };
    return (await import('../migrate/from-pm2.js')).draftFromPm2(await readEcosystem(file, label, text), label, context);
  }
  const { basePort } = await import('../procfile/stack.js');
  return (await import('../migrate/from-procfile.js')).draftFromProcfile(text, label, basePort(path.dirname(file)));
}

/**
 * What a PM2 ecosystem file exports: a .js, .cjs or .mjs file is run as land runs its own JavaScript config (node's
 * import, bounded by LAND_CONFIG_TIMEOUT_MS: a top-level await that never settles fails with a line naming it).
 */
async function readEcosystem(file: string, label: string, text: string): Promise<unknown> {
  if (!/\.json$/i.test(file)) return importConfigWithin(file, label);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InputError(`${label}: not valid JSON: ${oneLine(error)}`);
  }
}

/** The draft's other files (pm2's profiles) beside the config, never over one that is there: what was written and kept. */
function writeFiles(draft: DraftConfig, dir: string): { written: string[]; kept: string[] } {
  const written: string[] = [];
  const kept: string[] = [];
  for (const [name, text] of Object.entries(draft.files ?? {})) {
    const file = path.resolve(dir, name);
    if (existsSync(file)) {
      kept.push(name);
      continue;
    }
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text, { flag: 'wx' });
    written.push(name);
  }
  return { written, kept };
}

/**
 * Writes the config only once it loads: the text goes to a file of its own beside `output` (the same folder, so
 * `land` and relative paths resolve as they will), is loaded as land loads a config, and only then takes its name
 * (over an existing file only with `overwrite`). A draft that does not load is init's fault: nothing is left.
 */
async function writeLoading(output: string, text: string, overwrite: boolean): Promise<void> {
  const draft = path.join(path.dirname(output), `.land-init-${process.pid}-${path.basename(output)}`);
  writeFileSync(draft, text, { flag: 'wx' });
  try {
    await loadConfig({ configPath: draft });
    if (overwrite) renameSync(draft, output);
    else linkSync(draft, output);
  } catch (error) {
    const message = oneLine(error).replaceAll(displayPath(draft), displayPath(output));
    throw error instanceof Error && 'code' in error && error.code === 'EEXIST'
      ? new InputError(`${displayPath(output)} already exists: pass --force to overwrite it`, EXIT_CONFLICT)
      : new Error(`${displayPath(output)} as drafted does not load, so nothing was written: ${message}`);
  } finally {
    rmSync(draft, { force: true });
    // The draft's entry in the compiled-config cache (src/config/typescript/cache.ts: a manifest per file name).
    rmSync(path.join(path.dirname(output), '.land', 'cache', 'config', `${path.basename(draft)}.json`), { force: true });
  }
}

/**
 * Nothing to convert: a starter config, never over an existing file (not even with --force: a template is worth
 * less than what it would replace), nor beside another land config, which it would shadow (land.config.ts is read
 * first).
 */
async function writeStarter(options: InitOptions): Promise<number> {
  const output = path.resolve(options.output ?? 'land.config.ts');
  const existing = [output, ...CONFIG_FILE_NAMES.map((name) => path.resolve(name))].find((file) => existsSync(file));
  if (existing !== undefined) {
    throw new InputError(
      `${displayPath(existing)} already exists, and there is no ${SOURCES.join(', ')} here to convert: edit it, or pass --from <file>`,
      EXIT_CONFLICT,
    );
  }
  await writeLoading(output, STARTER_CONFIG, false);
  process.stdout.write(
    `land: wrote ${displayPath(output)}, a starter with one tier (${STARTER_TIER}): nothing here to convert (no ${SOURCES.join(', ')}; --from <file> names one).\n` +
      'land: edit it, then `land check` and `land up`.\n',
  );
  return 0;
}

export async function initCommand(options: InitOptions): Promise<number> {
  const source = findSource(options);
  if (source === undefined) return writeStarter(options);
  const output = path.resolve(path.dirname(source), options.output ?? 'land.config.ts');
  if (existsSync(output) && !options.force) {
    throw new InputError(`${displayPath(output)} already exists: pass --force to overwrite it`, EXIT_CONFLICT);
  }
  const draft = await draftFrom(source, options.procfile !== undefined, output);
  await writeLoading(output, renderConfig(draft), options.force === true);
  const files = writeFiles(draft, path.dirname(output));
  for (const warning of draft.warnings ?? []) process.stderr.write(`land: warning: ${warning}\n`);
  const notes = draft.notes.length + draft.tiers.reduce((sum, tier) => sum + tier.notes.length, 0);
  process.stdout.write(
    `land: wrote ${displayPath(output)} from ${displayPath(source)}: ${draft.tiers.length} tier${draft.tiers.length === 1 ? '' : 's'} ` +
      `(${draft.tiers.map((tier) => tier.name).join(', ')}); ${notes} note${notes === 1 ? '' : 's'} in comments on what maps differently.\n` +
      'land: read them, then `land check` and `land up`.\n' +
      (files.written.length > 0 ? `land: also wrote ${files.written.join(', ')}.\n` : '') +
      (files.kept.length > 0 ? `land: kept ${files.kept.join(', ')} as they were (already there): compare them with ${displayPath(source)}.\n` : '') +
      notStartedLine(draft, displayPath(source)),
  );
  return 0;
}

/** The line naming the tiers that do not start with the stack (process-compose's `disabled`), or '' when all do. */
function notStartedLine(draft: DraftConfig, source: string): string {
  const off = draft.tiers.filter((tier) => tier.startsOff !== undefined);
  if (off.length === 0) return '';
  const list = off.map((tier) => `${tier.name} (${tier.startsOff})`).join(', ');
  return `land: not started with the stack, as in ${source}: ${list}; \`land spawn <tier>\` starts one.\n`;
}
