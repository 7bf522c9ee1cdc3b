/** `land init`: write a land.config.ts from a process-compose.yaml or a Procfile, then check that it loads. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { displayPath } from '../config/display-path.js';
import { loadConfig } from '../config/load.js';
import { EXIT_CONFLICT } from '../control/exit-codes.js';
import { InputError, oneLine } from '../errors.js';
import type { DraftConfig } from '../migrate/draft.js';
import { renderConfig } from '../migrate/emit.js';

export interface InitOptions {
  from?: string;
  output?: string;
  force?: boolean;
}

/** Looked for in the current folder, in this order, when --from is not given. */
const SOURCES = ['process-compose.yaml', 'process-compose.yml', 'Procfile'];

function findSource(from: string | undefined): string {
  if (from !== undefined) {
    const file = path.resolve(from);
    if (!existsSync(file)) throw new InputError(`--from: ${displayPath(file)}: file not found`);
    return file;
  }
  const found = SOURCES.map((name) => path.resolve(name)).find((file) => existsSync(file));
  if (found === undefined) throw new InputError(`no ${SOURCES.join(', ')} in ${process.cwd()}: pass --from <file>`);
  return found;
}

async function draftFrom(file: string): Promise<DraftConfig> {
  const label = path.basename(file);
  const text = readFileSync(file, 'utf8');
  if (/\.ya?ml$/i.test(file)) return (await import('../migrate/from-process-compose.js')).draftFromProcessCompose(text, label);
  const { basePort } = await import('../procfile/stack.js');
  return (await import('../migrate/from-procfile.js')).draftFromProcfile(text, label, basePort(path.dirname(file)));
}

export async function initCommand(options: InitOptions): Promise<number> {
  const source = findSource(options.from);
  const output = path.resolve(path.dirname(source), options.output ?? 'land.config.ts');
  if (existsSync(output) && !options.force) {
    throw new InputError(`${displayPath(output)} already exists: pass --force to overwrite it`, EXIT_CONFLICT);
  }
  const draft = await draftFrom(source);
  writeFileSync(output, renderConfig(draft));
  try {
    await loadConfig({ configPath: output });
  } catch (error) {
    throw new Error(`wrote ${displayPath(output)}, but it does not load: ${oneLine(error)}`);
  }
  const notes = draft.notes.length + draft.tiers.reduce((sum, tier) => sum + tier.notes.length, 0);
  process.stdout.write(
    `land: wrote ${displayPath(output)} from ${displayPath(source)}: ${draft.tiers.length} tier${draft.tiers.length === 1 ? '' : 's'} ` +
      `(${draft.tiers.map((tier) => tier.name).join(', ')}); ${notes} note${notes === 1 ? '' : 's'} in comments on what maps differently.\n` +
      'land: read them, then `land check` and `land up`.\n',
  );
  return 0;
}
