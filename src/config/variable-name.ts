/** What a variable name cannot hold: the kernel's `KEY=value` strings end at a NUL, and the name at the first `=`. */
export function variableNameProblem(name: string): string | undefined {
  if (name === '') return 'an empty name';
  if (name.includes('=')) return 'a name with "="';
  if (name.includes('\0')) return 'a name with a NUL byte';
  return undefined;
}
