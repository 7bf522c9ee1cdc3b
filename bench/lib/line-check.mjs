// Checking a flood's output: every `L<child>:<seq>:xxx…` line must appear whole, whatever prefix the tool added.
import { createReadStream } from 'node:fs';

/** A terminal's line ending (\r\n: mprocs's children write to a pty) ends a line as well as \n alone. */
const LINE = /L(\d+):(\d{7}):(x*)\r?$/;
/** Anything that looks like part of a fixture line. */
const FRAGMENT = /L\d+:\d|xxxxxxxxxx/;

/**
 * Reads the files and returns { seen, lost, cut }: seen = distinct whole lines, lost = expected − seen, cut =
 * lines carrying a fragment of a fixture line without being one whole.
 */
export async function checkLines(files, children, linesPerChild, lineBytes) {
  const seen = Array.from({ length: children }, () => new Uint8Array(linesPerChild));
  let cut = 0;
  const inspect = (line) => {
    const match = LINE.exec(line);
    if (match) {
      const child = Number(match[1]);
      const seq = Number(match[2]);
      const head = `L${match[1]}:${match[2]}:`.length;
      if (child < children && seq < linesPerChild && head + match[3].length + 1 === lineBytes) {
        seen[child][seq] = 1;
        return;
      }
    }
    if (FRAGMENT.test(line)) cut += 1;
  };
  for (const file of files) {
    let rest = '';
    try {
      for await (const chunk of createReadStream(file, { encoding: 'latin1', highWaterMark: 4 << 20 })) {
        const text = rest + chunk;
        let start = 0;
        for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
          inspect(text.slice(start, end));
          start = end + 1;
        }
        rest = text.slice(start);
      }
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
    }
    if (rest) inspect(rest);
  }
  const total = seen.reduce((sum, marks) => sum + marks.reduce((a, b) => a + b, 0), 0);
  return { seen: total, lost: children * linesPerChild - total, cut };
}
