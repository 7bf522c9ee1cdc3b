import { describe, expect, it } from 'vitest';
import { shellFirstWord } from '../../src/supervisor/shell-first-word.js';

describe('shellFirstWord: the program a shell line runs first, when plain', () => {
  it.each([
    ['bundle exec puma -p $PORT', 'bundle'],
    ['  node server.js', 'node'],
    ['FOO=1 BAR=two worker --queue x', 'worker'],
    ['exec gunicorn app:app', 'gunicorn'],
    ['command nginx -g "daemon off;"', 'nginx'],
    ['./bin/web && echo done', './bin/web'],
    ['npm start; echo after', 'npm'],
  ])('%s → %s', (line, word) => {
    expect(shellFirstWord(line)).toBe(word);
  });

  it.each([
    'cd app && bundle exec puma',
    'PATH=./bin:$PATH web',
    '$RUNNER serve',
    '"my tool" --flag',
    '~/bin/tool',
    '(cd x; run)',
    'if true; then x; fi',
    'exec -a name tool',
    'echo hello',
    'chdir /tmp && sleep 3',
    'let x=1; run',
    'pushd app && serve',
    '. ./env.sh; run',
    '',
  ])('%s → not judged', (line) => {
    expect(shellFirstWord(line)).toBeUndefined();
  });
});
