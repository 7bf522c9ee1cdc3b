import path from 'node:path';
import { displayPath } from '../../src/config/display-path.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { readEnvFile } from '../../src/config/envfile.js';
import { makeTempProject, type TempProject } from './temp-project.js';

let project: TempProject;
beforeEach(() => {
  project = makeTempProject('land-envfile-');
});
afterEach(() => {
  project.remove();
});

function errorFor(content: string): string {
  const file = project.write('profiles/debug.env', content);
  try {
    readEnvFile(file);
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
