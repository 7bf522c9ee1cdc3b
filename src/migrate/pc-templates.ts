/**
 * process-compose's per-process values that land names differently, for `land init`:
 * - `vars` (top level and per process), used as `{{.NAME}}` Go templates in a process's strings: substituted at init
 *   when the var is a plain value; any other template is left as written, with a warning (land renders none);
 * - `PC_REPLICA_NUM` (0-based replica number) and `PC_PROC_NAME`, which process-compose sets for every process:
 *   land sets `LAND_REPLICA` (1-based) instead, so a command that uses them gets them set from it.
 */
import { formatKeyPath } from '../config/config-issues.js';

type Yaml = Record<string, unknown>;
const isObject = (value: unknown): value is Yaml => typeof value === 'object' && value !== null && !Array.isArray(value);

const TEMPLATE = /\{\{-?\s*(.*?)\s*-?\}\}/g;
/** The names process-compose gives its templates for the replica itself. */
const REPLICA_TEMPLATE_NAMES = new Set(['PC_REPLICA_NUM', 'PC_PROC_NAME']);
const MENTIONS_PC = /\bPC_(?:REPLICA_NUM|PROC_NAME)\b/;

/** Plain values of a `vars` map (text, number, boolean); anything else is warned about and not substituted. */
export function plainVars(vars: unknown, where: string[], warnings: string[]): Map<string, string> {
  const plain = new Map<string, string>();
  if (!isObject(vars)) return plain;
  for (const [name, value] of Object.entries(vars)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') plain.set(name, String(value));
    else warnings.push(`${formatKeyPath([...where, 'vars', name])}: not a plain value (${JSON.stringify(value)}): {{.${name}}} is left as written`);
  }
  return plain;
}

/** Every string of `value` with its templates rendered (`render`), keeping the shape. */
function mapStrings(value: unknown, render: (text: string, path: Array<string | number>) => string, path: Array<string | number>): unknown {
  if (typeof value === 'string') return render(value, path);
  if (Array.isArray(value)) return value.map((item, index) => mapStrings(item, render, [...path, index]));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, mapStrings(inner, render, [...path, key])]));
  return value;
}

/**
 * The process with `{{.VAR}}` replaced by its plain value (the process's vars over the top level's), and
 * `{{.PC_REPLICA_NUM}}` / `{{.PC_PROC_NAME}}` in its command turned into the shell's `${…}` (set by `replicaCommand`).
 * Each template it cannot render is one warning naming the key.
 */
export function renderProcessVars(name: string, process: Yaml, globalVars: ReadonlyMap<string, string>, warnings: string[]): Yaml {
  const vars = new Map([...globalVars, ...plainVars(process.vars, ['processes', name], warnings)]);
  const rendered = mapStrings(process, (text, path) =>
    text.replace(TEMPLATE, (template, expression: string) => {
      const variable = /^\.(\w+)$/.exec(expression)?.[1];
      if (variable !== undefined && vars.has(variable)) return vars.get(variable)!;
      if (variable !== undefined && REPLICA_TEMPLATE_NAMES.has(variable) && path[0] === 'command') return `\${${variable}}`;
      warnings.push(`${formatKeyPath(['processes', name, ...path])}: template ${JSON.stringify(template)} left as written: land renders no templates (init substitutes plain vars only)`);
      return template;
    }),
  []) as Yaml;
  delete rendered.vars;
  return rendered;
}

/**
 * A shell command that uses `$PC_REPLICA_NUM` or `$PC_PROC_NAME` gets them set first, as process-compose sets them:
 * the replica number from land's `LAND_REPLICA` less one (land counts from 1, process-compose from 0; a tier
 * without replicas is replica 1), the process name as written. Undefined when the command does not use them.
 */
export function replicaCommand(name: string, command: Record<string, unknown>, notes: string[]): Record<string, unknown> | undefined {
  const text = command.command;
  if (command.shell !== true || typeof text !== 'string' || !MENTIONS_PC.test(text)) return undefined;
  const quotedName = `'${name.replace(/'/g, `'\\''`)}'`;
  notes.push("PC_REPLICA_NUM and PC_PROC_NAME: process-compose sets them; land sets LAND_REPLICA (from 1), so the command sets them first (PC_REPLICA_NUM from 0, as process-compose counts)");
  return { ...command, command: `PC_REPLICA_NUM=$((\${LAND_REPLICA:-1} - 1)) PC_PROC_NAME=${quotedName}; export PC_REPLICA_NUM PC_PROC_NAME; ${text}` };
}

/** The note on a tier with replicas whose command does not name PC_REPLICA_NUM: what land sets instead. */
export const REPLICA_ENV_NOTE =
  'replicas: process-compose gives each replica PC_REPLICA_NUM (from 0) and PC_PROC_NAME; land gives LAND_REPLICA (from 1) and, with `port`, a PORT of its own: a program that reads PC_REPLICA_NUM needs it set from LAND_REPLICA';
