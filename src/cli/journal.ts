/**
 * Whether land's stderr is systemd's journal (a `land startup` unit, or any service): systemd sets JOURNAL_STREAM to
 * the `<device>:<inode>` of the stream it connected, and a process compares it with its own stderr (systemd.exec(5)),
 * since a child that redirected its output inherits the variable all the same. A token said there would be kept in
 * the journal for anyone who may read it.
 */
import { fstatSync } from 'node:fs';

export function stderrIsJournal(env: NodeJS.ProcessEnv = process.env): boolean {
  const stream = env.JOURNAL_STREAM;
  if (!stream) return false;
  try {
    const stat = fstatSync(2, { bigint: true });
    return `${stat.dev}:${stat.ino}` === stream;
  } catch {
    return false;
  }
}
