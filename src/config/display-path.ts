import path from 'node:path';

/** A path as a person should read it in an error: relative to the process cwd when that is shorter. */
export function displayPath(file: string): string {
  const absolute = path.resolve(file);
  const relative = path.relative(process.cwd(), absolute);
  return relative !== '' && relative.length < absolute.length ? relative : absolute;
}
