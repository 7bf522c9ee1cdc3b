/**
 * The bundle keeps no `createRequire(…)` whose value nothing keeps (scripts/bundle.mjs, dropDiscardedRequires):
 * esbuild's banner left one per esbuild chunk in rolldown's CommonJS output, 38 in the stack's chunk, each run by
 * every `land up` before its first spawn. The global setup builds dist/cli.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAst } from 'rolldown/parseAst';
import { describe, expect, it } from 'vitest';

const CLI = resolve(import.meta.dirname, '..', '..', 'dist', 'cli');

/** The text of every statement in `node` that calls createRequire and keeps nothing. */
function discarded(node: unknown, code: string, found: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) discarded(item, code, found);
  else if (node && typeof node === 'object') {
    const statement = node as { type?: string; start: number; end: number; expression?: { type: string } };
    if (statement.type === 'ExpressionStatement' && statement.expression?.type === 'CallExpression') {
      const text = code.slice(statement.start, statement.end);
      if (/^\(?(0,\s*)?[\w$.]*createRequire\)?\(/i.test(text)) found.push(text);
    }
    for (const value of Object.values(node)) if (value && typeof value === 'object') discarded(value, code, found);
  }
  return found;
}

describe('the bundle', () => {
  it('makes no require it drops', () => {
    const files = ['main.js', ...readdirSync(join(CLI, 'chunks')).map((name) => join('chunks', name))].filter((name) => name.endsWith('.js'));
    const dropped = files.flatMap((file) => {
      const code = readFileSync(join(CLI, file), 'utf8');
      if (!code.includes('createRequire')) return [];
      return discarded(parseAst(code), code).map((text) => `${file}: ${text}`);
    });
    expect(files.length).toBeGreaterThan(10);
    expect(dropped).toEqual([]);
  });
});
