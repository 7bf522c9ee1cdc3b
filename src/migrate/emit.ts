/** Writing a DraftConfig as the text of a land.config.ts: defineConfig, readable literals, notes as comments. */
import { Code, type DraftConfig, type DraftTier } from './draft.js';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const INDENT = '  ';

const key = (name: string) => (IDENTIFIER.test(name) ? name : quote(name));

function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
}

/** A value as TypeScript source: short objects and arrays on one line, longer ones one entry a line. */
export function tsValue(value: unknown, depth = 0): string {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return 'undefined';
  if (value instanceof RegExp) return String(value);
  if (value instanceof Code) return value.text;
  const inner = INDENT.repeat(depth + 1);
  const entries = Array.isArray(value)
    ? value.map((item) => tsValue(item, depth + 1))
    : Object.entries(value as Record<string, unknown>)
        .filter(([, item]) => item !== undefined)
        .map(([name, item]) => `${key(name)}: ${tsValue(item, depth + 1)}`);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{ ', ' }'];
  const flat = `${open}${entries.join(', ')}${close}`;
  if (entries.length === 0) return Array.isArray(value) ? '[]' : '{}';
  if (flat.length + depth * INDENT.length <= 100 && !flat.includes('\n')) return flat;
  return `${open.trim()}\n${entries.map((entry) => `${inner}${entry},`).join('\n')}\n${INDENT.repeat(depth)}${close.trim()}`;
}

const comment = (indent: string, text: string) => text.split('\n').map((line) => `${indent}// ${line}`.trimEnd());

function renderTier(tier: DraftTier): string[] {
  const indent = INDENT.repeat(2);
  return [...tier.notes.flatMap((note) => comment(indent, note)), `${indent}${key(tier.name)}: ${tsValue(tier.config, 2)},`];
}

export function renderConfig(draft: DraftConfig): string {
  const lines = [
    `// Written by \`land init\` from ${draft.source}. Every key: README.md, "Configuration: land.config.ts".`,
    ...draft.notes.flatMap((note) => comment('', note)),
    "import { defineConfig } from 'land';",
    '',
    'export default defineConfig({',
  ];
  if (draft.app !== undefined) lines.push(`${INDENT}app: ${quote(draft.app)},`);
  if (draft.defaultProfile !== undefined) lines.push(`${INDENT}defaultProfile: ${quote(draft.defaultProfile)},`);
  lines.push(`${INDENT}envFiles: ${tsValue(draft.envFiles, 1)},`, `${INDENT}tiers: {`);
  for (const tier of draft.tiers) lines.push(...renderTier(tier));
  lines.push(`${INDENT}},`, '});', '');
  return lines.join('\n');
}
