/**
 * A secret inside a shell script (the `sh -c` line of a `shell: true` command, probe or stop command) moves alone,
 * not the whole line. The script is read into words as its shell reads them; each secret in a word (redact.ts
 * `secretArgSpans`, the rules an argv gets) is replaced by a reference that shell expands from the tier's
 * environment, written for where it stands: `"${KEY}"` outside quotes, `${KEY}` inside double quotes, `'"${KEY}"'`
 * inside single quotes (closed and reopened around it). The shell then reads the very words it read before, so a
 * nested `sh -c '… Bearer abc …'` gets its text back whole. A script this reader does not follow (command
 * substitution, a here-document, `$'…'`, an unclosed quote), or a secret with an escape, an expansion or a glob in
 * it, gives undefined: the whole line moves, as before.
 */
import { secretArgSpans, secretSpans } from '../config/redact.js';

/** Where a character of a word stands in the script: only the first three can be replaced by a reference. */
type Where = 'plain' | 'single' | 'double' | 'other';

interface ScriptWord {
  value: string;
  /** For each character of the value: its index in the script, and where it stands. */
  at: number[];
  where: Where[];
}

/** `$NAME`, `${…}`, `$1`, `$?`: kept as written, never part of a secret moved. */
const EXPANSION = /^\$(?:\{[^}]*\}|[A-Za-z_]\w*|[0-9@*#?$!-])?/;

class WordReader {
  readonly words: ScriptWord[] = [];
  private word: ScriptWord | undefined;

  /** A word begins here (an empty quoted `''` is a word too). */
  begin(): ScriptWord {
    return (this.word ??= { value: '', at: [], where: [] });
  }

  add(char: string, at: number, where: Where): void {
    const word = this.begin();
    word.value += char;
    word.at.push(at);
    word.where.push(where);
  }

  end(): void {
    if (this.word) this.words.push(this.word);
    this.word = undefined;
  }

  get inWord(): boolean {
    return this.word !== undefined;
  }
}

/** The script's words (operators as words of their own), or undefined where this reader does not follow the shell. */
export function scriptWords(script: string): ScriptWord[] | undefined {
  const reader = new WordReader();
  let quote: 'single' | 'double' | undefined;
  for (let i = 0; i < script.length; i++) {
    const char = script[i]!;
    if (quote === 'single') {
      if (char === "'") quote = undefined;
      else reader.add(char, i, 'single');
      continue;
    }
    if (char === '`' || (char === '$' && /[('"]/.test(script[i + 1] ?? ''))) return undefined;
    if (char === '$') {
      const expansion = EXPANSION.exec(script.slice(i))![0];
      for (const part of expansion) reader.add(part, i++, 'other');
      i -= 1;
      continue;
    }
    if (char === '\\') {
      // Outside quotes it escapes any character; inside double quotes only these (else it stays, as itself).
      const escapes = quote === undefined || /[$`"\\\n]/.test(script[i + 1] ?? '');
      if (escapes) i += 1;
      reader.add(script[i] ?? '', i, 'other');
      continue;
    }
    if (quote === 'double') {
      if (char === '"') quote = undefined;
      else reader.add(char, i, 'double');
      continue;
    }
    if (char === "'" || char === '"') {
      quote = char === "'" ? 'single' : 'double';
      reader.begin();
    } else if (char === '#' && !reader.inWord) {
      // A comment, to the end of its line.
      while (i + 1 < script.length && script[i + 1] !== '\n') i += 1;
    } else if (/\s/.test(char)) {
      reader.end();
    } else if (char === '<' && script[i + 1] === '<') {
      return undefined;
    } else if (/[;&|()<>]/.test(char)) {
      reader.end();
      reader.add(char, i, 'other');
      reader.end();
    } else {
      reader.add(char, i, /[*?[~]/.test(char) ? 'other' : 'plain');
    }
  }
  if (quote !== undefined) return undefined;
  reader.end();
  return reader.words;
}

/** The reference to a variable the shell expands to the same text, for where the text stood. */
function reference(key: string, where: Where): string {
  if (where === 'double') return `\${${key}}`;
  return where === 'single' ? `'"\${${key}}"'` : `"\${${key}}"`;
}

interface Edit {
  from: number;
  to: number;
  value: string;
  where: Where;
}

/** The secrets of the script as edits of its text, or undefined when one of them cannot be replaced alone. */
function secretEdits(script: string): Edit[] | undefined {
  const words = scriptWords(script);
  if (!words) return undefined;
  const spans = secretArgSpans(words.map((word) => word.value));
  const edits: Edit[] = [];
  for (const [index, word] of words.entries()) {
    for (const [start, end] of spans[index]!) {
      if (start === end) continue;
      const where = word.where[start]!;
      const from = word.at[start]!;
      for (let i = start; i < end; i++) if (word.where[i] !== where || word.at[i] !== from + i - start) return undefined;
      if (where === 'other') return undefined;
      edits.push({ from, to: from + end - start, value: word.value.slice(start, end), where });
    }
  }
  return edits;
}

/** Whether every secret the rules see in the line as one text (a registered value across two words) is moved. */
function covers(script: string, edits: readonly Edit[]): boolean {
  return secretSpans(script).every(([start, end]) => edits.some((edit) => edit.from < end && edit.to > start));
}

/**
 * The script with each secret replaced by a reference to a new key of `secrets` (named by `nextKey`), or undefined
 * when the secrets cannot all be moved alone (then nothing is added to `secrets`).
 */
export function scriptWithSecretRefs(script: string, nextKey: () => string, secrets: Record<string, string>): string | undefined {
  const edits = secretEdits(script);
  if (!edits || edits.length === 0 || !covers(script, edits)) return undefined;
  let out = script;
  const keys = edits.map((edit) => {
    const key = nextKey();
    secrets[key] = edit.value;
    return key;
  });
  for (let i = edits.length - 1; i >= 0; i--) out = out.slice(0, edits[i]!.from) + reference(keys[i]!, edits[i]!.where) + out.slice(edits[i]!.to);
  return out;
}
