import path from 'node:path';
import { displayPath } from '../../src/config/display-path.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { readEnvFile, type EnvFileKind } from '../../src/config/envfile.js';
import { makeTempProject, type TempProject } from './temp-project.js';

let project: TempProject;
beforeEach(() => {
  project = makeTempProject('land-envfile-');
});
afterEach(() => {
  project.remove();
});

function errorFor(content: string, kind: EnvFileKind = 'plain', name = 'profiles/debug.env'): string {
  const file = project.write(name, content);
  try {
    readEnvFile(file, kind);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).message;
  }
  throw new Error('expected the env file to be rejected');
}

describe('readEnvFile', () => {
  it('reads comments, blank lines, export, spaces around =, quotes and multi-line double quotes', () => {
    const file = project.write(
      '.env.Land',
      [
        '# a comment',
        '',
        '   ',
        'Spawn=true',
        'export Render=false',
        'SPACED = value with spaces  ',
        'TRAILING=kept # a comment',
        "SINGLE='single # not a comment'",
        'BACKTICK=`tick`',
        'DOUBLE="line\\nbreak"',
        'MULTI="first',
        'second # still inside',
        'third" # closing comment',
        'ESCAPED="say \\"hi\\""',
        'EMPTY=',
        'WINDOWS=crlf\r',
        'LAST=1',
      ].join('\n'),
    );
    expect(readEnvFile(file)).toEqual({
      Spawn: 'true',
      Render: 'false',
      SPACED: 'value with spaces',
      TRAILING: 'kept',
      SINGLE: 'single # not a comment',
      BACKTICK: 'tick',
      DOUBLE: 'line\nbreak',
      MULTI: 'first\nsecond # still inside\nthird',
      ESCAPED: 'say \\"hi\\"',
      EMPTY: '',
      WINDOWS: 'crlf',
      LAST: '1',
    });
  });

  it.each([
    ['Spawn=true\n\noops\n', 'profiles/debug.env:3: expected KEY=value, got "oops"'],
    ['export Spawn\n', 'profiles/debug.env:1: expected KEY=value, got "export Spawn"'],
    ['Spawn: true\n', 'profiles/debug.env:1: expected KEY=value, got "Spawn: true"'],
    ['# ok\n1ST=x\n', 'profiles/debug.env:2: expected a key of letters, digits and _ (not starting with a digit), got "1ST"'],
    ['MY KEY=x\n', 'profiles/debug.env:1: expected a key of letters, digits and _ (not starting with a digit), got "MY KEY"'],
    ['=x\n', 'profiles/debug.env:1: expected a key of letters, digits and _ (not starting with a digit), got ""'],
    ["A=1\nB='open\nC=2\n", "profiles/debug.env:2: unterminated ' quote in B: expected a closing ' on the same line"],
    ['A=1\nB="open\nC=2\n', 'profiles/debug.env:2: unterminated " quote in B: expected a closing " before the end of the file'],
    ['A="open\nB="x"\n', 'profiles/debug.env:1: unterminated " quote in A? the quote closes on line 2, followed by "x\\""'],
    ['A="x" y\n', 'profiles/debug.env:1: expected only a # comment after the closing " of A, got "y"'],
    ['Color=#fff\n', 'profiles/debug.env:1: expected a quoted value for Color (an unquoted # starts a comment), got "#fff"'],
    ['URL=http://x/#top\n', 'profiles/debug.env:1: expected a quoted value for URL (an unquoted # starts a comment), got "http://x/#top"'],
  ])('rejects %j with file:line', (content, message) => {
    const cwd = process.cwd();
    process.chdir(project.dir); // so the file is named relative to the cwd, as a user sees it
    try {
      expect(errorFor(content)).toBe(message);
    } finally {
      process.chdir(cwd);
    }
  });

  it('names an unreadable file', () => {
    const missing = path.join(project.dir, 'missing.env');
    expect(() => readEnvFile(missing)).toThrow(new InputError(`${displayPath(missing)}: cannot read the env file (ENOENT)`));
  });
});

describe('readEnvFile keeps secrets out of its messages', () => {
  const key = 'phc_0123456789abcdefghijklmnopqrstuvwxyzABCD';
  it.each([
    [`Authorize ${key}\n`, 'profiles/debug.env:1: expected KEY=value, got "Authorize …" (hidden: it may be a secret)'],
    [`${key}\n`, 'profiles/debug.env:1: expected KEY=value, got (hidden: it may be a secret)'],
    [`Authorize=abc#def\n`, 'profiles/debug.env:1: expected a quoted value for Authorize (an unquoted # starts a comment), got (hidden: it may be a secret)'],
    [`Authorize="${key}" ${key}\n`, 'profiles/debug.env:1: expected only a # comment after the closing " of Authorize, got (hidden: it may be a secret)'],
    [`Authorize="${key}\n`, 'profiles/debug.env:1: unterminated " quote in Authorize: expected a closing " before the end of the file'],
  ])('%#', (content, message) => {
    const cwd = process.cwd();
    process.chdir(project.dir);
    try {
      const error = errorFor(content);
      expect(error).toBe(message);
      expect(error).not.toContain('0123456789');
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('readEnvFile of an env file (it may hold the secrets) quotes nothing of a bad line', () => {
  it.each([
    ['Authorize=\nsekret123\n', '.env.Land.PostHog:2: expected KEY=value, got (hidden: it may be a secret)'],
    ['sekret123 # the db\n', '.env.Land.PostHog:1: expected KEY=value, got (hidden: it may be a secret)'],
    ['Beam https://sekret123.example\n', '.env.Land.PostHog:1: expected KEY=value, got "Beam …" (hidden: it may be a secret)'],
    ['sek+ret123==\n', '.env.Land.PostHog:1: expected a key of letters, digits and _ (not starting with a digit), got (hidden: it may be a secret)'],
    ['Beam=sekret123#x\n', '.env.Land.PostHog:1: expected a quoted value for Beam (an unquoted # starts a comment), got (hidden: it may be a secret)'],
    ['Beam="a" sekret123\n', '.env.Land.PostHog:1: expected only a # comment after the closing " of Beam, got (hidden: it may be a secret)'],
    ['A="open\nB="sekret123"\n', '.env.Land.PostHog:1: unterminated " quote in A? the quote closes on line 2, followed by (hidden: it may be a secret)'],
  ])('%j', (content, message) => {
    const cwd = process.cwd();
    process.chdir(project.dir);
    try {
      const error = errorFor(content, 'secrets', '.env.Land.PostHog');
      expect(error).toBe(message);
      expect(error).not.toContain('sekret123');
    } finally {
      process.chdir(cwd);
    }
  });

  it('is the default', () => {
    const file = project.write('.env', 'sekret123\n');
    expect(() => readEnvFile(file)).toThrow(/got \(hidden: it may be a secret\)$/);
  });
});
