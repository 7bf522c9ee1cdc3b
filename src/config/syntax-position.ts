/**
 * Where a JavaScript config's syntax error is: node's import() throws a SyntaxError whose stack carries no position
 * (node 20: `SyntaxError: Unexpected token ';'` then node's own frames), while a .ts config's compiler names
 * `file:line:col`. Asked only once loading failed, so a good start pays nothing: `node --check` prints `[stdin]:line`,
 * the line and a caret under the column. Undefined when the file itself parses (the error is in a file
 * it imports, which --check does not follow) or the output is not that shape.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export function syntaxErrorPosition(file: string): { line: number; column: number } | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  // Parsed as a module from stdin: `--check <file.js>` parses a .js outside a "type": "module" package as CommonJS
  // (and node 20 then reports nothing), where import() detected the module syntax.
  const result = spawnSync(process.execPath, ['--input-type=module', '--check'], { input: text, encoding: 'utf8', timeout: 10_000 });
  if (result.status === 0 || typeof result.stderr !== 'string') return undefined;
  const [where, , caret] = result.stderr.split('\n');
  const line = /^\[stdin\]:(\d+)$/.exec(where ?? '')?.[1];
  if (line === undefined || caret === undefined || !/^\s*\^+\s*$/.test(caret)) return undefined;
  return { line: Number(line), column: caret.indexOf('^') + 1 };
}
