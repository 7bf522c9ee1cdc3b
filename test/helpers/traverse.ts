/**
 * A test that runs land as another user (nobody) needs it to reach land's own files: a checkout under a 0700 folder
 * (mktemp -d, say) keeps it out. The folders on the way get the search bit for others while the test runs; the
 * returned function gives them their modes back.
 */
import { chmodSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export function letOthersTraverse(path: string): () => void {
  const changed: Array<[string, number]> = [];
  for (let folder = path; folder !== dirname(folder); folder = dirname(folder)) {
    const mode = statSync(folder).mode & 0o7777;
    if ((mode & 0o001) === 0) {
      changed.push([folder, mode]);
      chmodSync(folder, mode | 0o001);
    }
  }
  return () => {
    for (const [folder, mode] of changed) chmodSync(folder, mode);
  };
}
