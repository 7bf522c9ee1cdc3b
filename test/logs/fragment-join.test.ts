/** A line's fragments joined back in place for the views that hold lines (src/logs/fragment-join.ts). */
import { describe, expect, it } from 'vitest';
import { countJoined, FragmentJoiner, JOIN_MAX_CHARS, joinedLines, joinEntries, pipeKey } from '../../src/logs/fragment-join.js';
import type { LineCut } from '../../src/supervisor/types.js';

/** A view that holds lines in an array, and how often a line was changed in place. */
function view() {
  const lines: Array<{ text: string; cut?: LineCut }> = [];
  let replaced = 0;
  const joiner = new FragmentJoiner<number>();
  const target = {
    append: (text: string, cut: LineCut | undefined) => lines.push(cut ? { text, cut } : { text }) - 1,
    replace: (at: number, text: string, cut: LineCut | undefined) => {
      if (at < 0) return false;
      lines[at] = cut ? { text, cut } : { text };
      replaced += 1;
      return true;
    },
  };
  const add = (tier: string, stream: string, text: string | string[], cut?: LineCut) => joiner.add(pipeKey(tier, stream), [text].flat(), cut, target);
  return { lines, add, joiner, replaced: () => replaced, forget: () => (target.replace = () => false) };
}

describe('joining fragments in place', () => {
  it('a prompt and the rest of it: one line, whole; each pipe has its own line in progress', () => {
    const v = view();
    v.add('api', 'stdout', 'Password: …', 'first');
    // Only the pipe with the line in progress is open: the others' whole lines take the fast path.
    expect([v.joiner.isOpen(pipeKey('api', 'stdout')), v.joiner.isOpen(pipeKey('api', 'stderr')), v.joiner.isOpen(pipeKey('db', 'stdout'))]).toEqual([true, false, false]);
    v.add('api', 'stderr', 'warn: x');
    v.add('db', 'stdout', 'db line');
    v.add('api', 'stdout', '… and the rest', 'last');
    v.add('api', 'stdout', ['partial done', 'next']);
    expect(v.lines).toEqual([{ text: 'Password:  and the rest' }, { text: 'warn: x' }, { text: 'db line' }, { text: 'partial done' }, { text: 'next' }]);
    expect(v.joiner.isOpen(pipeKey('api', 'stdout'))).toBe(false);
  });

  it('progress in pieces: the line so far, still marked; it loses its mark when it ends with its newline alone', () => {
    const v = view();
    v.add('p', 'stdout', 'progress 0% …', 'first');
    v.add('p', 'stdout', '…progress 50% …', 'middle');
    expect(v.lines).toEqual([{ text: 'progress 0% progress 50% …', cut: 'first' }]);
    v.add('p', 'stdout', 'bar done');
    expect(v.lines).toEqual([{ text: 'progress 0% progress 50% ' }, { text: 'bar done' }]);
  });

  it('a line gone from the view, or too long to join, goes on as lines of its own', () => {
    const v = view();
    v.add('a', 'stdout', 'start …', 'first');
    v.forget();
    v.add('a', 'stdout', '…end', 'last');
    expect(v.lines.map((line) => line.text)).toEqual(['start …', '…end']);

    const w = view();
    const long = `${'x'.repeat(JOIN_MAX_CHARS)}…`;
    w.add('b', 'stdout', long, 'first'); // an over-long line's fragment: never joined
    w.add('b', 'stdout', `…${'y'.repeat(10)}`, 'last');
    w.add('b', 'stdout', 'near …', 'first');
    w.add('b', 'stdout', `…${'z'.repeat(JOIN_MAX_CHARS)}…`, 'middle');
    expect(w.lines.map((line) => line.text.slice(0, 6))).toEqual(['xxxxxx', '…yyyyy', 'near …', '…zzzzz']);
    expect(w.replaced()).toBe(0);
  });

  it('recent entries as land logs reads them: joined, with the cut of what is left open', () => {
    const entries = [
      { stream: 'stdout', line: 'Password: …', at: 1, cut: 'first' as const },
      { stream: 'stdout', line: '… and the rest', at: 2, cut: 'last' as const },
      { stream: 'stdout', line: 'Loading… …', at: 3, cut: 'first' as const },
      { stream: 'stderr', line: 'warn: x', at: 4 },
      { stream: 'stdout', line: '…50% …', at: 5, cut: 'middle' as const },
    ];
    expect(joinEntries(entries)).toEqual([
      { stream: 'stdout', line: 'Password:  and the rest', at: 1 },
      { stream: 'stdout', line: 'Loading… 50% …', at: 3, cut: 'first' },
      { stream: 'stderr', line: 'warn: x', at: 4 },
    ]);
  });

  it('a line at a time (land logs reads a ring so): the same lines, each taken only when nothing more can join it', () => {
    const entries = [
      { stream: 'stdout', line: 'Password: …', at: 1, cut: 'first' as const },
      { stream: 'stderr', line: 'warn: x', at: 2 },
      { stream: 'stdout', line: '… and the rest', at: 3, cut: 'last' as const },
      { stream: 'stdout', line: 'plain', at: 4 },
      { stream: 'stdout', line: 'Loading… …', at: 5, cut: 'first' as const },
    ];
    let taken = 0;
    const next = joinedLines(() => entries[taken++]);
    // The first line waits for the rest of it (two entries on), the stderr line waits behind it.
    expect(next()).toEqual({ stream: 'stdout', line: 'Password:  and the rest', at: 1 });
    expect(taken).toBe(3);
    expect(next()).toEqual({ stream: 'stderr', line: 'warn: x', at: 2 });
    expect(taken).toBe(3);
    expect([next(), next(), next()]).toEqual([{ stream: 'stdout', line: 'plain', at: 4 }, { stream: 'stdout', line: 'Loading… …', at: 5, cut: 'first' }, undefined]);
    expect(joinEntries(entries)).toEqual([
      { stream: 'stdout', line: 'Password:  and the rest', at: 1 },
      { stream: 'stderr', line: 'warn: x', at: 2 },
      { stream: 'stdout', line: 'plain', at: 4 },
      { stream: 'stdout', line: 'Loading… …', at: 5, cut: 'first' },
    ]);
    let counted = 0;
    expect(countJoined(() => entries[counted++])).toBe(4);
  });
});
