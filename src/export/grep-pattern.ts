/**
 * A log probe's pattern (a JavaScript RegExp, or a string land compiles to one) as a POSIX extended regular
 * expression for GNU `grep -E`, which systemd's readiness wait runs over the unit's journal. The two dialects differ
 * where it matters: `\d`, `\s`, `\w` are not ERE, `(?:…)` is an error, a backslash inside brackets is literal, and
 * the `i` flag lives outside the pattern (`grep -i`). What maps is mapped; what ERE cannot say (lookaround, a
 * negated class escape inside brackets, a Unicode property) is a problem the exporter reports, never a pattern that
 * silently means something else. Lazy quantifiers become greedy: whether a line matches does not depend on it.
 */

export type GrepPattern = { ere: string; ignoreCase: boolean } | { problem: string };

/** Characters that are special in an ERE outside brackets: written with a backslash when meant literally. */
const ERE_SPECIAL = new Set([...'.[]()*+?{}|^$\\']);

/** Class escapes outside brackets. */
const CLASS_ESCAPES: Record<string, string> = {
  d: '[0-9]',
  D: '[^0-9]',
  s: '[[:space:]]',
  S: '[^[:space:]]',
  w: '[A-Za-z0-9_]',
  W: '[^A-Za-z0-9_]',
};

/** The same inside brackets: only the positive ones have a form there. */
const BRACKET_ESCAPES: Record<string, string> = { d: '0-9', s: '[:space:]', w: 'A-Za-z0-9_' };

const CONTROL_ESCAPES: Record<string, string> = { t: '\t', r: '\r', f: '\f', v: '\v' };

class Unmappable extends Error {}

function literal(char: string): string {
  return ERE_SPECIAL.has(char) ? `\\${char}` : char;
}

/** A character escape (`\t`, `\x41`, `\u0041`, `\u{1F600}`, `\cA`, `\.`) at `source[at]` (after the backslash). */
function escapedChar(source: string, at: number, unicode: boolean): { char: string; end: number } | undefined {
  const next = source[at]!;
  if (next in CONTROL_ESCAPES) return { char: CONTROL_ESCAPES[next]!, end: at + 1 };
  const hex = /^x([0-9a-fA-F]{2})|^u([0-9a-fA-F]{4})|^u\{([0-9a-fA-F]{1,6})\}/.exec(source.slice(at));
  if (hex && (hex[3] === undefined || unicode)) return { char: String.fromCodePoint(parseInt(hex[1] ?? hex[2] ?? hex[3]!, 16)), end: at + hex[0].length };
  const control = /^c([A-Za-z])/.exec(source.slice(at));
  if (control) return { char: String.fromCharCode(control[1]!.charCodeAt(0) % 32), end: at + 2 };
  if (next === 'n') throw new Unmappable('\\n (a log line holds no line break)');
  if (next === '0' || /[pPk]/.test(next) || /[1-9]/.test(next)) return undefined;
  // An identity escape: the character itself (`\.`, `\/`, `\-`).
  return { char: next, end: at + 1 };
}

/** A bracket expression `[…]` starting at `source[start]`: its ERE form and where it ends. */
function bracket(source: string, start: number, unicode: boolean): { ere: string; end: number } {
  let at = start + 1;
  const negated = source[at] === '^';
  if (negated) at += 1;
  const chars: string[] = [];
  const parts: string[] = [];
  let closed = false;
  while (at < source.length) {
    const char = source[at]!;
    if (char === ']') {
      closed = true;
      at += 1;
      break;
    }
    if (char === '[' && unicode && /[:.=]/.test(source[at + 1] ?? '')) throw new Unmappable('a [ inside brackets');
    let item: string;
    if (char === '\\') {
      const name = source[at + 1]!;
      if (name in BRACKET_ESCAPES) {
        parts.push(BRACKET_ESCAPES[name]!);
        at += 2;
        continue;
      }
      if (/[DSW]/.test(name)) throw new Unmappable(`\\${name} inside brackets`);
      const escaped = name === 'b' ? { char: '\b', end: at + 2 } : escapedChar(source, at + 1, unicode);
      if (!escaped) throw new Unmappable(`\\${name} inside brackets`);
      item = escaped.char;
      at = escaped.end;
    } else {
      item = char;
      at += 1;
    }
    if (source[at] === '-' && source[at + 1] !== ']' && at + 1 < source.length) {
      const high = source[at + 1] === '\\' ? escapedChar(source, at + 2, unicode) : { char: source[at + 1]!, end: at + 2 };
      if (!high || /[\]\-[^\\]/.test(item) || /[\]\-[^\\]/.test(high.char)) throw new Unmappable('a range with a special character at an end');
      parts.push(`${item}-${high.char}`);
      at = high.end;
      continue;
    }
    chars.push(item);
  }
  if (!closed) throw new Unmappable('an unclosed [');
  return { ere: assembleBracket(negated, chars, parts), end: at };
}

/** ERE's bracket rules: `]` first, `-` last, `^` not first, `[` before `-` (never `[:`), a backslash as is. */
function assembleBracket(negated: boolean, chars: string[], parts: string[]): string {
  if (chars.length === 0 && parts.length === 0) {
    if (negated) return '.';
    throw new Unmappable('[] (it matches nothing)');
  }
  const has = (char: string) => chars.includes(char);
  const plain = chars.filter((char) => !']^[-'.includes(char));
  const body = [has(']') ? ']' : '', ...parts, ...plain, has('^') ? '^' : '', has('[') ? '[' : '', has('-') ? '-' : ''].join('');
  if (body === '^') return negated ? '[^^]' : '\\^';
  return `[${negated ? '^' : ''}${body}]`;
}

/** A group's opening at `source[at]` (`(`, `(?:`, `(?<name>`): what ERE writes and how far it reads. */
function groupOpening(source: string, at: number): { end: number; capturing: boolean; name?: string } {
  const rest = source.slice(at);
  if (!rest.startsWith('(?')) return { end: at + 1, capturing: true };
  if (rest.startsWith('(?:')) return { end: at + 3, capturing: false };
  const named = /^\(\?<([A-Za-z_$][\w$]*)>/.exec(rest);
  if (named) return { end: at + named[0].length, capturing: true, name: named[1]! };
  throw new Unmappable(/^\(\?<?[=!]/.test(rest) ? 'a lookaround ((?=, (?!, (?<=, (?<!)' : 'a group modifier');
}

/** A quantifier at `source[at]`, or undefined when none starts there (a lone `{` is a literal in JavaScript). */
function quantifier(source: string, at: number): { ere: string; end: number } | undefined {
  const match = /^(?:[*+?]|\{\d+(?:,\d*)?\})/.exec(source.slice(at));
  if (!match) return undefined;
  // Lazy or greedy, a line matches either way.
  const end = at + match[0].length;
  return { ere: match[0], end: source[end] === '?' ? end + 1 : end };
}

function translate(source: string, unicode: boolean): string {
  let ere = '';
  const groups: number[] = []; // JavaScript's capturing group n (index n - 1) is ERE's group groups[n - 1]
  const names = new Map<string, number>();
  let opened = 0;
  let at = 0;
  const backReference = (group: number | undefined) => {
    if (group === undefined || group > 9) throw new Unmappable('a back reference');
    ere += `\\${group}`;
  };
  while (at < source.length) {
    const char = source[at]!;
    const counted = quantifier(source, at);
    if (counted) {
      ere += counted.ere;
      at = counted.end;
    } else if (char === '[') {
      const result = bracket(source, at, unicode);
      ere += result.ere;
      at = result.end;
    } else if (char === '(') {
      const group = groupOpening(source, at);
      opened += 1;
      if (group.capturing) groups.push(opened);
      if (group.name !== undefined) names.set(group.name, opened);
      ere += '(';
      at = group.end;
    } else if (char === '\\') {
      const next = source[at + 1] ?? '';
      const reference = /^k<([A-Za-z_$][\w$]*)>|^([1-9]\d*)/.exec(source.slice(at + 1));
      if (next in CLASS_ESCAPES) ere += CLASS_ESCAPES[next];
      else if (next === 'b' || next === 'B') ere += `\\${next}`;
      else if (reference?.[1] !== undefined) backReference(names.get(reference[1]));
      else if (reference?.[2] !== undefined) backReference(groups[Number(reference[2]) - 1]);
      else {
        const escaped = escapedChar(source, at + 1, unicode);
        if (!escaped) throw new Unmappable(`\\${next}`);
        ere += literal(escaped.char);
        at = escaped.end;
        continue;
      }
      at += 2 + (reference ? reference[0].length - 1 : 0);
    } else {
      ere += '.()|^$'.includes(char) ? char : literal(char);
      at += 1;
    }
  }
  return ere;
}

/** The pattern for `grep -E` (with `-i` for the `i` flag), or why it cannot be one. */
export function grepPattern(pattern: string | RegExp): GrepPattern {
  const source = typeof pattern === 'string' ? pattern : pattern.source;
  const flags = typeof pattern === 'string' ? '' : pattern.flags;
  try {
    return { ere: translate(source, /[uv]/.test(flags)), ignoreCase: flags.includes('i') };
  } catch (error) {
    if (error instanceof Unmappable) return { problem: `grep -E has no form for ${error.message}` };
    throw error;
  }
}
