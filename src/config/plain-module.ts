/**
 * An ES module config read as a plain function, without node's ES module loader: setting that loader up and
 * importing a one-line config through it cost `land up` ≈ 16 ms of CPU before its first spawn, the largest item left
 * in its fixed start (docs/decisions.md, "Start-up, sixth pass"). Only a module whose every difference from a
 * function body this file can see and carry exactly is read this way: static imports at the top level (of what
 * `resolve` gives, node's built-ins and `land`), `export default <expression>` and `export { a as default }`. Anything
 * else (another export form, a top-level await, `import.meta`, an `import()`, a hashbang, a `/` this scanner
 * cannot tell regex from division, a name a module does not export) is `undefined`: the caller imports the file
 * natively, as before, so what is not read here keeps node's own semantics and errors.
 */
import vm from 'node:vm';

/** An import statement: the module and the bindings it makes (`*` for a namespace, `default` for the default). */
export interface PlainImport {
  specifier: string;
  bindings: Array<[imported: string, local: string]>;
}

/** The module as a strict function body over `__landImports` (one namespace per import) and `__landExports`. */
export interface PlainModule {
  body: string;
  imports: PlainImport[];
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const IDENTIFIER_PART = /[\w$]/;
/** Words after which a `/` starts a regular expression, not a division. */
const BEFORE_EXPRESSION = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield']);
/** Words that mean something else at a module's top level than in a function body (or that this does not carry). */
const DECLINED = new Set(['await', 'arguments']);
// `import a, { b as c } from 'x'`, `import * as ns from 'x'`, `import 'x'` (no comments inside: declined).
const IMPORT = /import\s*(?:([A-Za-z_$][\w$]*)\s*(,\s*)?)?(?:\*\s*as\s+([A-Za-z_$][\w$]*)\s*|\{([^{}'"`/]*)\}\s*)?(from\s*)?(['"])([^'"\\\n]*)\6[ \t]*;?/y;
const EXPORT_LIST = /export\s*\{([^{}'"`/]*)\}[ \t]*;?/y;
const EXPORT_DEFAULT = /export\s+default\b\s*/y;

/**
 * Text that means something else in a function than in a module, anywhere in the source (a string too, to keep the
 * check simple): `<!--` and `-->` start comments in a script, never in a module; `new.target` is valid only in a
 * function; and the reader's own parameter names.
 */
const NOT_IN_A_FUNCTION = /<!--|-->|\bnew\s*\.\s*target\b|__landImports|__landExports/;

type Last = 'start' | 'punct' | 'word' | 'expressionWord' | 'value' | 'brace';

/** Blanks `source[start, end)`, newlines kept, so every other line and column stays where it was. */
const blank = (text: string) => text.replace(/[^\n]/g, ' ');

/** `a, b as c` → [['a', 'a'], ['b', 'c']]; undefined when an entry is anything else. */
function bindingList(list: string): Array<[string, string]> | undefined {
  const bindings: Array<[string, string]> = [];
  for (const entry of list.split(',').map((part) => part.trim())) {
    if (entry === '') continue;
    const [name, as, alias, ...rest] = entry.split(/\s+/);
    if (!IDENTIFIER.test(name!) || rest.length > 0 || (as !== undefined && (as !== 'as' || !IDENTIFIER.test(alias ?? '')))) return undefined;
    bindings.push([name!, alias ?? name!]);
  }
  return bindings;
}

/** The import statement at `at`, or undefined when it is not one of the plain forms. */
function importAt(source: string, at: number): { end: number; plain: PlainImport } | undefined {
  IMPORT.lastIndex = at;
  const match = IMPORT.exec(source);
  if (!match) return undefined;
  const [, defaultName, comma, namespace, named, from, , specifier] = match;
  const bindings: Array<[string, string]> = defaultName ? [['default', defaultName]] : [];
  if (namespace) bindings.push(['*', namespace]);
  if (named !== undefined) {
    const list = bindingList(named);
    if (!list) return undefined;
    bindings.push(...list);
  }
  const hasClause = defaultName !== undefined || namespace !== undefined || named !== undefined;
  // `import a {b}`, `import a, from`, a clause without `from` or `from` without a clause: not a plain import.
  if (hasClause !== Boolean(from) || (comma !== undefined) !== (defaultName !== undefined && (namespace ?? named) !== undefined)) return undefined;
  // Import attributes (`with { type: 'json' }`) are declined.
  if (/^\s*(with|assert)\b/.test(source.slice(IMPORT.lastIndex, IMPORT.lastIndex + 20))) return undefined;
  return { end: IMPORT.lastIndex, plain: { specifier: specifier!, bindings } };
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

/** An `export` at `at`: `export default` or `export { … }`; undefined for any other form. `defaults`: how many default exports it makes. */
function exportAt(source: string, at: number, tail: string[]): { end: number; edit: Edit; defaults: number } | undefined {
  EXPORT_DEFAULT.lastIndex = at;
  if (EXPORT_DEFAULT.exec(source)) {
    // A declaration (`export default function f() {}`) binds a name too: declined.
    if (/^(function|class|async)\b/.test(source.slice(EXPORT_DEFAULT.lastIndex, EXPORT_DEFAULT.lastIndex + 9))) return undefined;
    return { end: EXPORT_DEFAULT.lastIndex, edit: { start: at, end: EXPORT_DEFAULT.lastIndex, text: '__landExports.default = ' }, defaults: 1 };
  }
  EXPORT_LIST.lastIndex = at;
  const match = EXPORT_LIST.exec(source);
  const list = match && bindingList(match[1]!);
  // `export { a } from 'x'` re-exports: declined.
  if (!list || /^\s*from\b/.test(source.slice(EXPORT_LIST.lastIndex, EXPORT_LIST.lastIndex + 10))) return undefined;
  // Assigned once the body has run: an export list names bindings, whose values are final by then.
  for (const [local, exported] of list) tail.push(`__landExports[${JSON.stringify(exported)}] = ${local};`);
  const defaults = list.filter(([, exported]) => exported === 'default').length;
  return { end: EXPORT_LIST.lastIndex, edit: { start: at, end: EXPORT_LIST.lastIndex, text: blank(match![0]) }, defaults };
}

/** The end of the string, template or regex opened at `at`; undefined when it is not closed on its line. */
function endOfQuoted(source: string, at: number, quote: string): number | undefined {
  let inClass = false;
  for (let i = at + 1; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') i++;
    else if (c === '\n') return undefined;
    else if (quote === '/' && c === '[') inClass = true;
    else if (quote === '/' && c === ']') inClass = false;
    else if (c === quote && !inClass) return i + 1;
  }
  return undefined;
}

/**
 * The module's statements as a function body, or undefined. A scanner, not a parser: it follows strings,
 * templates, comments, regular expressions and brackets well enough to find the top-level `import` and `export`
 * statements, and declines what it cannot tell apart.
 */
export function plainModule(source: string): PlainModule | undefined {
  if (source.startsWith('#!') || NOT_IN_A_FUNCTION.test(source)) return undefined;
  const imports: PlainImport[] = [];
  const edits: Edit[] = [];
  const tail: string[] = [];
  /** What each open bracket was: a template's `${` returns to the template when it closes. */
  const open: string[] = [];
  let last: Last = 'start';
  let afterDot = false;
  let defaults = 0;
  let i = 0;
  /** Scans template text from `i` to its end or its next `${`; false when it is not closed. */
  const template = (): boolean => {
    for (; i < source.length; i++) {
      const c = source[i]!;
      if (c === '\\') i++;
      else if (c === '`') return (i++, (last = 'value'), true);
      else if (c === '$' && source[i + 1] === '{') return (open.push('${'), (i += 2), (last = 'punct'), true);
    }
    return false;
  };
  while (i < source.length) {
    const c = source[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '/' && source[i + 1] === '/') {
      const end = source.indexOf('\n', i);
      i = end < 0 ? source.length : end;
    } else if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) return undefined;
      i = end + 2;
    } else if (c === '\'' || c === '"' || (c === '/' && last !== 'word' && last !== 'value')) {
      // After `}` a `/` may be either (a block's end, or an object's): declined.
      if (c === '/' && last === 'brace') return undefined;
      const end = endOfQuoted(source, i, c);
      if (end === undefined) return undefined;
      i = end;
      if (c === '/') while (i < source.length && IDENTIFIER_PART.test(source[i]!)) i++;
      last = 'value';
      afterDot = false;
    } else if (c === '`') {
      i++;
      if (!template()) return undefined;
      afterDot = false;
    } else if (IDENTIFIER_PART.test(c) || c.charCodeAt(0) > 0x7f || c === '\\') {
      if (c === '\\') return undefined; // an escaped identifier
      const start = i;
      while (i < source.length && (IDENTIFIER_PART.test(source[i]!) || source.charCodeAt(i) > 0x7f)) i++;
      const word = source.slice(start, i);
      // `x.import`, `{ import: 1 }`: a property's name, not the word.
      const property = afterDot || (open.length > 0 && /^\s*:/.test(source.slice(i, i + 40)));
      afterDot = false;
      last = /^\d/.test(word) ? 'value' : BEFORE_EXPRESSION.has(word) ? 'expressionWord' : 'word';
      if (property || last === 'value') continue;
      if (DECLINED.has(word) || (word === 'return' && open.length === 0)) return undefined;
      if (word !== 'import' && word !== 'export') continue;
      if (open.length > 0) return undefined; // import(), import.meta, or not at the top level
      const found = word === 'import' ? importAt(source, start) : exportAt(source, start, tail);
      if (!found) return undefined;
      if ('plain' in found) {
        imports.push(found.plain);
        edits.push({ start, end: found.end, text: blank(source.slice(start, found.end)) });
        last = 'punct';
      } else {
        defaults += found.defaults;
        edits.push(found.edit);
        last = found.edit.text.trim() === '' ? 'punct' : 'expressionWord';
      }
      i = found.end;
    } else {
      i++;
      if (c === '.' && /\d/.test(source[i] ?? '')) {
        while (i < source.length && /[\w.]/.test(source[i]!)) i++;
        last = 'value';
        continue;
      }
      afterDot = c === '.' && source[i - 2] !== '.'; // not a spread's `...`
      if (c === '(' || c === '[' || c === '{') open.push(c);
      if (c === ')' || c === ']' || c === '}') {
        const opened = open.pop();
        if (opened === undefined) return undefined;
        if (opened === '${') {
          if (!template()) return undefined;
          continue;
        }
      }
      last = c === ')' || c === ']' ? 'value' : c === '}' ? 'brace' : 'punct';
    }
  }
  // One default export: the config. None (or two, a syntax error) is left to node.
  if (open.length > 0 || defaults !== 1) return undefined;
  let body = source;
  for (const edit of edits.reverse()) body = body.slice(0, edit.start) + edit.text + body.slice(edit.end);
  // The imports' bindings first, as an ES module's are (hoisted), on the first line, so line numbers stay.
  const bindings = imports.flatMap(({ bindings: names }, index) =>
    names.map(([imported, local]) => `${local} = __landImports[${index}]${imported === '*' ? '' : `[${JSON.stringify(imported)}]`}`),
  );
  const head = `"use strict";${bindings.length > 0 ? `const ${bindings.join(', ')};` : ''}`;
  return { body: `${head}${body}\n;${tail.join('')}`, imports };
}

/**
 * Runs `source` (the module at `file`) as a plain function, each import given by `resolve` (a module's exports,
 * or undefined: not carried here). Returns the module's exports as a namespace-like object (null prototype,
 * `Module` as its tag), or undefined when the module is not plain (nothing of it has run then).
 */
export function runPlainModule(file: string, source: string, resolve: (specifier: string) => Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const plain = plainModule(source);
  if (!plain) return undefined;
  const namespaces: Array<Record<string, unknown>> = [];
  for (const { specifier, bindings } of plain.imports) {
    const exports = resolve(specifier);
    // A name the module does not export is a link error in an ES module: node's import says so.
    if (!exports || bindings.some(([name]) => name !== '*' && !(name in exports))) return undefined;
    namespaces.push(exports);
  }
  let run: (imports: unknown[], exports: Record<string, unknown>) => void;
  try {
    // Compiled as a script first, only to be refused there: a `return` outside any function (in a top-level block,
    // which the scanner does not tell from a function's) is valid in a function body, and a syntax error in a module.
    new vm.Script(plain.body, { filename: file });
    run = vm.compileFunction(plain.body, ['__landImports', '__landExports'], { filename: file }) as typeof run;
  } catch {
    return undefined; // not valid as a function body: node's import reports the module's own syntax error
  }
  const exports: Record<string, unknown> = Object.create(null);
  Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
  run.call(undefined, namespaces, exports);
  return Object.freeze(exports);
}
