/**
 * A variable an imported file gives that the environment cannot hold (`land init` from PM2 or process-compose): bad
 * input, named by its file and key (names are no secret; a value is never quoted), before anything is written.
 * land's schema refuses the same names (src/config/variable-name.ts).
 */
import { variableNameProblem } from '../config/variable-name.js';
import { InputError } from '../errors.js';

export function refuseVariable(where: string, name: string, value: unknown): void {
  const problem = variableNameProblem(name);
  if (problem !== undefined) throw new InputError(`${where}: expected a variable name: not empty, without "=" or a NUL byte, got ${problem}`);
  if (typeof value === 'string' && value.includes('\0')) throw new InputError(`${where}: expected a value without a NUL byte (the environment ends a value there)`);
}
