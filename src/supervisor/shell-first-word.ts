/**
 * The program a `/bin/sh -c` line runs first, when it can be told without running the shell: so `land check` and
 * `land up` can say "bundle was not found on PATH" for a Procfile line, as they do for an argv command, instead of
 * the tier exiting 127 after its neighbours started. Anything the shell decides at run time (an expansion, a quote,
 * a keyword, a builtin that changes what runs next, an assignment to PATH) gives undefined: not checked.
 */

/** Builtins and keywords: nothing on PATH to find. `exec` and `command` run the word after them, checked instead. */
const NOT_ON_PATH = new Set([
  // POSIX sh's keywords and builtins
  '!', '{', '}', '.', ':', '[', '[[', ']]', 'alias', 'bg', 'break', 'case', 'cd', 'continue', 'do', 'done', 'echo',
  'elif', 'else', 'esac', 'eval', 'exit', 'export', 'false', 'fc', 'fg', 'fi', 'for', 'function', 'getopts', 'hash',
  'if', 'in', 'jobs', 'kill', 'local', 'printf', 'pwd', 'read', 'readonly', 'return', 'select', 'set', 'shift',
  'source', 'test', 'then', 'time', 'times', 'trap', 'true', 'type', 'ulimit', 'umask', 'unalias', 'unset', 'until',
  'wait', 'while',
  // dash's own (Debian's /bin/sh) and bash's (/bin/sh on macOS and Fedora)
  'chdir', 'let', 'builtin', 'caller', 'compgen', 'complete', 'compopt', 'declare', 'dirs', 'disown', 'enable',
  'help', 'history', 'logout', 'mapfile', 'popd', 'pushd', 'readarray', 'shopt', 'suspend', 'typeset',
]);
const RUNS_NEXT = new Set(['exec', 'command']);
/** A word the shell takes literally: no quote, expansion, glob, tilde, brace or escape. */
const PLAIN_WORD = /^[A-Za-z0-9_./+@%,-]+$/;
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;

/** The first word of the line's first simple command, when it names a program plainly; undefined otherwise. */
export function shellFirstWord(script: string): string | undefined {
  // Words up to the first operator: what follows `;`, `&&`, `|` or a newline is not looked at.
  const words = script.trimStart().split(/[;&|\n]/, 1)[0]!.split(/[ \t]+/).filter((word) => word !== '');
  let index = 0;
  while (index < words.length) {
    const word = words[index]!;
    const assignment = ASSIGNMENT.exec(word);
    if (assignment) {
      // `PATH=./bin:$PATH web` looks the program up elsewhere: not judged here.
      if (assignment[1] === 'PATH') return undefined;
      index += 1;
      continue;
    }
    if (RUNS_NEXT.has(word)) {
      index += 1;
      continue;
    }
    if (!PLAIN_WORD.test(word) || word.startsWith('-') || NOT_ON_PATH.has(word)) return undefined;
    return word;
  }
  return undefined;
}
