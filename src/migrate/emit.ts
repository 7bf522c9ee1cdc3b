/** Writing a DraftConfig as the text of a land.config.ts: defineConfig, readable literals, notes as comments. */
import { Code, type DraftConfig, type DraftTier } from './draft.js';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const INDENT = '  ';

const key = (name: string) => (IDENTIFIER.test(name) ? name : quote(name));

const escapeControl = (char: string) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** A string literal; a control character (a NUL, a tab) or a line separator written as its escape, never raw. */
function quote(text: string): string {
  const escaped = text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r');
  return `'${escaped.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, escapeControl)}'`;
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

/** A note as `//` lines: any line terminator of TypeScript's starts a new one, a control character is escaped. */
const comment = (indent: string, text: string) =>
  text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, escapeControl)
    .split(/\r\n|[\n\r\u2028\u2029]/)
    .map((line) => `${indent}// ${line}`.trimEnd());

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
