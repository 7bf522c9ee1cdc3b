/**
 * A key set twice in one env file or profile (`A=first` … `A=second`): dotenv keeps the last value without a word.
 * Not refused (Compose and foreman read such files too, last one winning): `land check` lists each one as a warning,
 * `land up` says so in one line.
 */
import { readFileSync } from 'node:fs';
import { displayPath } from './display-path.js';
import { envFileSources, repeatedKeys } from './envfile.js';
import type { BootPlan } from './types.js';

export interface RepeatedKey {
  /** As a person reads it (display-path.ts). */
  file: string;
  key: string;
  /** Every line (1-based) that sets it, in order. */
  lines: number[];
}

/** The repeated keys of each file; a file that cannot be read has none here (what reads it says why). */
export function repeatedKeysIn(files: readonly string[]): RepeatedKey[] {
  return files.flatMap((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return [];
    }
    return repeatedKeys(text).map(({ key, lines }) => ({ file: displayPath(file), key, lines }));
  });
}

/** `set on lines 1 and 4: the last one (line 4) wins`. */
export function repeatMessage({ lines }: Pick<RepeatedKey, 'lines'>): string {
  const listed = `${lines.slice(0, -1).join(', ')} and ${lines.at(-1)}`;
  return `set on lines ${listed}: the last one (line ${lines.at(-1)}) wins`;
}

/** `land up`'s one line about the files a plan read (env files, tiers' env files, profile), or undefined. */
export function repeatedKeysWarning(plan: BootPlan): string | undefined {
  const tierFiles = plan.config.tiers.flatMap((tier) => tier.envFiles);
  const files = new Set([...envFileSources(plan.config.envFiles), ...tierFiles, ...(plan.profileFile === '' ? [] : [plan.profileFile])]);
  const [first, ...rest] = repeatedKeysIn([...files]);
  if (first === undefined) return undefined;
  const more = rest.length === 0 ? '' : ` (and ${rest.length} more repeated key${rest.length === 1 ? '' : 's'}: \`land check\` lists them)`;
  return `land: warning: ${first.file}: ${first.key} ${repeatMessage(first)}${more}`;
}
