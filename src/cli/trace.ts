/** `land trace [boot id]`: draw a recorded boot's trace as a tree (default: the latest boot). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { findLatestBoot, renderTrace } from '../telemetry/trace-view.js';
import { readConfig, type InputOptions } from './inputs.js';

export async function traceCommand(bootId: string | undefined, options: InputOptions): Promise<number> {
  const config = await readConfig(options);
  const root = join(config.rootDir, '.land', 'telemetry');
  const id = bootId ?? findLatestBoot(root);
  if (!id) throw new InputError(`no recorded boot under ${root} (boot with Record=1 first)`);
  const dir = join(root, id);
  if (!existsSync(dir)) throw new InputError(`boot id: no recording for "${id}" under ${root}`);
  const width = process.stdout.columns ?? 80;
  process.stdout.write(`${renderTrace(dir, { width, color: Boolean(process.stdout.isTTY) && !('NO_COLOR' in process.env) })}\n`);
  return 0;
}
