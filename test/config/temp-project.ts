import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { InputError } from '../../src/errors.js';

/** Absolute path of a file in this repository. */
export function repoPath(relative: string): string {
  return fileURLToPath(new URL(`../../${relative}`, import.meta.url));
}

/** A throwaway project folder; `remove()` deletes it (call it in afterEach). */
export interface TempProject {
  dir: string;
  write(relative: string, content: string): string;
  remove(): void;
}

export function makeTempProject(prefix = 'land-config-'): TempProject {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return {
    dir,
    write(relative, content) {
      const file = path.join(dir, relative);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
      return file;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The InputError loadConfig rejects with (failing the test if it resolves or throws anything else). */
export async function loadError(options: Parameters<typeof loadConfig>[0]): Promise<InputError> {
  const error = await loadConfig(options).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}
