/**
 * Faults: output without bounds. A line with no newline of hundreds of MB, long lines by the hundred, logs that
 * would grow forever, boots that pile up: land's memory (read from /proc while it happens) and its disk stay bounded,
 * and the log files still get every byte they are meant to keep.
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { land, landDone, makeProject, markedProcesses, removeProjects, waitUntil, type LandRun } from '../helpers/land.js';
import { cleanUp } from '../control/helpers.js';
import { procStatusKb, sleeper, snapshot, tierWhen } from './support.js';
import { SINK_CHILD, sinkChild } from './sink-support.js';

const runs: LandRun[] = [];
afterEach(() => cleanUp(runs));
afterAll(removeProjects);

const MiB = 1024 * 1024;

/** Keeps only land's own lines, and those holding `marker`, in `run.stdout`: the test must not hold 100s of MB. */
function keepOwnLines(run: LandRun, marker: string): void {
  run.proc.stdout!.removeAllListeners('data');
  run.proc.stdout!.on('data', (text: string) => {
    for (const line of text.split('\n')) if (line.startsWith('mountain') || line.startsWith('land:') || line.includes(marker)) run.stdout += `${line}\n`;
  });
}

/** A tier's log files, oldest first (`.N` … `.1`, then the live file). */
function logFiles(dir: string, bootId: string, tier: string): string[] {
  const folder = join(dir, '.land', 'logs', bootId);
  const rotated = readdirSync(folder)
    .map((name) => new RegExp(`^${tier}\\.log\\.(\\d+)$`).exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .sort((a, b) => Number(b[1]) - Number(a[1]))
    .map((match) => join(folder, match[0]));
  return [...rotated, join(folder, `${tier}.log`)];
}

/** Streams the files in order through `onBytes` (one buffer at a time: a 700 MB line is never held whole). */
function readAll(files: string[], onBytes: (bytes: Buffer) => void): void {
  const buffer = Buffer.alloc(4 * MiB);
  for (const file of files) {
    const fd = openSync(file, 'r');
    try {
      for (let read; (read = readSync(fd, buffer, 0, buffer.length, null)) > 0; ) onBytes(buffer.subarray(0, read));
    } finally {
      closeSync(fd);
    }
  }
}

/** The bytes `--long-line` writes from `offset` on (`B`, `y`…, `E`, then `after`), made without holding the line. */
function expectedLongLine(lineBytes: number, after: string): (offset: number, length: number) => Buffer {
  const tail = Buffer.from(after);
  return (offset, length) => {
    const bytes = Buffer.alloc(length, 'y');
    for (let i = Math.max(0, lineBytes - offset); i < length; i++) bytes[i] = tail[offset + i - lineBytes] ?? 0;
    if (offset === 0 && length > 0) bytes[0] = 0x42;
    if (lineBytes - 1 >= offset && lineBytes - 1 < offset + length) bytes[lineBytes - 1 - offset] = 0x45;
    return bytes;
  };
}

/**
 * Checks the printed pieces of the long line as they stream by, without joining them: each line of `head` must be
 * `B` or `…`, then only `y`, then `E` or `…` (first piece: B, last: E). Other lines go to `other`.
 */
class PieceChecker {
  count = 0;
  yBytes = 0;
  largest = 0;
  done = false;
  problem: string | undefined;
  private start = '';
  private length = 0;
  private notY = 0;
  private last = '';
  private text = '';
  /** The piece holds `E`: a quiet child's line end can ride at the end of a fragment (`…yyyE…`), its newline after. */
  private sawE = false;

  constructor(
    private readonly head: string,
    private readonly other: (line: string) => void,
  ) {}

  feed(chunk: string): void {
    let from = 0;
    for (let newline = chunk.indexOf('\n'); newline !== -1; newline = chunk.indexOf('\n', from)) {
      this.add(chunk.slice(from, newline));
      this.endLine();
      from = newline + 1;
    }
    if (from < chunk.length) this.add(chunk.slice(from));
  }

  private add(segment: string): void {
    if (segment === '') return;
    if (this.start.length < 40) this.start += segment.slice(0, 40 - this.start.length);
    if (this.length < 1000) this.text += segment.slice(0, 1000);
    this.length += segment.length;
    this.notY += segment.replace(/y+/g, '').length;
    this.last = segment.at(-1)!;
    if (segment.includes('E')) this.sawE = true;
  }

  private endLine(): void {
    const { start, length, notY, last, text } = this;
    const innerE = this.sawE && last === '…' ? 1 : 0;
    this.start = this.text = this.last = '';
    this.length = this.notY = 0;
    this.sawE = false;
    if (!start.startsWith(this.head)) return this.other(text);
    if (text === `${this.head}long done`) return void (this.done = true);
    const body = length - this.head.length;
    const first = start[this.head.length];
    const ok = first === (this.count === 0 ? 'B' : '…') && (last === 'E' || last === '…') && notY === this.head.length + 2 + innerE;
    if (!ok) this.problem ??= `piece ${this.count} is not marked as expected: ${start}… ${body} chars ending in ${last}`;
    this.count += 1;
    this.largest = Math.max(this.largest, body);
    this.yBytes += body - 2 - innerE;
  }
}

describe('fault: output without bounds', () => {
  it('a 700 MB line without a newline: land stays under 100 MB resident at its peak, the log files get every byte in order, the printed output carries it in marked pieces of about 1 MiB', async () => {
    const lineBytes = 700 * MiB;
    const dir = makeProject({
      config: {
        // Rotation keeps enough files for the whole line (11 × 64 MiB + the live file): every byte must be found again.
        logs: { rotateBytes: 64 * MiB, keepFiles: 11 },
        tiers: { long: { command: sinkChild('--long-line', lineBytes), restart: { policy: 'never' } }, calm: sleeper('calm') },
      },
    });
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    // The printed pieces are checked as they stream past and dropped: the test must not hold 700 MB either.
    const pieces = new PieceChecker(`${'long'.padEnd('mountain'.length)} | `, (line) => (run.stdout += `${line}\n`));
    run.proc.stdout!.removeAllListeners('data');
    run.proc.stdout!.on('data', (text: string) => pieces.feed(text));
    await run.waitFor(/calm: starting → ready/);
    await waitUntil(() => pieces.done, 240_000, 'the long line to pass');
    // The kernel's high-water mark of land's resident size: its true peak, boot included, not a sample of it.
    const peakKb = procStatusKb(run.proc.pid!, 'VmHWM');
    expect(peakKb, `land's resident peak: ${Math.round(peakKb / 1024)} MB`).toBeLessThan(100 * 1024);

    // Printed: marked pieces of about 1 MiB, nothing left out (B + the y's + E).
    expect(pieces.problem).toBeUndefined();
    expect(pieces.count).toBeGreaterThanOrEqual(600);
    expect(pieces.done).toBe(true);
    expect(pieces.largest).toBeLessThan(1.1 * MiB);
    expect(pieces.yBytes + 2).toBe(lineBytes);
    // The stack answered while the line went by; status shows the line's end, cut short.
    expect((await tierWhen(dir, 'calm', (tier) => tier.state === 'ready', 'ready')).state).toBe('ready');
    const told = await snapshot(dir);
    expect(told.tiers.find((tier) => tier.name === 'long')!.lastLine).toBe('long done');
    // `land logs` keeps the newest fragments as their start and end, a few KiB each, not a MiB.
    const logs = await landDone(['logs', 'long', '-n', '5'], dir);
    const kept = logs.stdout.trimEnd().split('\n');
    expect(kept.at(-1)).toBe('long done');
    // The last fragment may be short, and whole; `E…`: the line's end went with a fragment, its newline after it.
    expect(kept.at(-2)).toMatch(/^…y*E…?$|^…y+ \[… \d+ bytes …\] y+E…?$/);
    expect(kept.filter((text) => /^…y+ \[… \d+ bytes …\] y+…$/.test(text)).length).toBeGreaterThanOrEqual(3);
    expect(logs.stdout.length).toBeLessThan(64 * 1024);

    expect((await run.stop()).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
    // The log files, in order: B, 700 MB less two of y, E, a newline, then `long done`.
    const files = logFiles(dir, run.bootId, 'long');
    expect(files.length).toBeGreaterThan(10); // it rotated, in the middle of the line
    const want = expectedLongLine(lineBytes, '\nlong done\n');
    let total = 0;
    let wrong: string | undefined;
    readAll(files, (bytes) => {
      if (wrong === undefined && !bytes.equals(want(total, bytes.length))) wrong = `the ${bytes.length} bytes from ${total} differ from the line's`;
      total += bytes.length;
    });
    expect(wrong).toBeUndefined();
    expect(total).toBe(lineBytes + '\nlong done\n'.length);
  }, 300_000);

  it('a 200 MB line with the default rotation (32 MiB, 3 kept): the files keep its newest bytes in order, and land says once that its start was rotated away', async () => {
    const lineBytes = 200 * MiB;
    const dir = makeProject({
      config: { tiers: { long: { command: sinkChild('--long-line', lineBytes), restart: { policy: 'never' } }, calm: sleeper('calm') } },
    });
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    keepOwnLines(run, 'long done');
    await run.waitFor(/long +\| long done/, 120_000);
    expect((await run.stop()).code).toBe(0);
    const notices = run.stdout.match(/long: log-file: .*outgrew the kept files.*its start was rotated away.*/g) ?? [];
    expect(notices, run.stdout).toHaveLength(1);
    // The live file and three rotated ones: the newest part of the line, contiguous, then its end and `long done`.
    const files = logFiles(dir, run.bootId, 'long');
    expect(files.map((file) => file.slice(file.lastIndexOf('/') + 1))).toEqual(['long.log.3', 'long.log.2', 'long.log.1', 'long.log']);
    let kept = 0;
    for (const file of files) kept += statSync(file).size;
    expect(kept).toBeGreaterThanOrEqual(3 * 32 * MiB);
    expect(kept).toBeLessThan(lineBytes);
    const want = expectedLongLine(lineBytes, '\nlong done\n');
    const from = lineBytes + '\nlong done\n'.length - kept;
    let at = from;
    let wrong: string | undefined;
    readAll(files, (bytes) => {
      if (wrong === undefined && !bytes.equals(want(at, bytes.length))) wrong = `the ${bytes.length} bytes from ${at} differ from the line's`;
      at += bytes.length;
    });
    expect(wrong).toBeUndefined();
  }, 180_000);

  it('land logs -f on a tier writing a 5 MB line: the follower gets every byte, in marked fragments, while status keeps their start and end', async () => {
    const lineBytes = 5 * MiB;
    const dir = makeProject({
      config: {
        tiers: {
          // Says `waiting`, then writes the line once the test has its follower attached (the file `go` appears).
          long: {
            command: ['sh', '-c', `echo waiting; while [ ! -e go ]; do sleep 0.05; done; exec node ${SINK_CHILD} --long-line ${lineBytes}`],
            restart: { policy: 'never' },
          },
          calm: sleeper('calm'),
        },
      },
    });
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    keepOwnLines(run, 'long done');
    await run.waitFor(/calm: starting → ready/); // the control socket answers by then
    // Two followers: a fragment's text is decoded once for both, and each still gets every byte.
    const followers = [land(['logs', 'long', '-f'], dir), land(['logs', 'long', '-f'], dir)];
    runs.push(...followers);
    for (const follow of followers) await follow.waitFor(/^waiting$/m);
    writeFileSync(join(dir, 'go'), '');
    for (const follow of followers) {
      await follow.waitFor(/^long done$/m, 60_000);
      const fragments = follow.stdout.split('\n').slice(1, -2);
      expect(fragments.length).toBeGreaterThanOrEqual(4);
      fragments.forEach((fragment, i) => {
        expect(fragment.startsWith(i === 0 ? 'B' : '…'), `fragment ${i}`).toBe(true);
        expect((i === fragments.length - 1 ? /E…?$/ : /…$/).test(fragment), `fragment ${i}`).toBe(true);
      });
      const line = fragments.map((fragment) => fragment.replace(/^…/, '').replace(/…$/, '')).join('');
      expect(line.length).toBe(lineBytes);
      expect(/^By+E$/.test(line)).toBe(true);
    }
    // What land keeps for `land logs` (no -f) is each fragment's start and end.
    const kept = (await landDone(['logs', 'long', '-n', '10'], dir)).stdout.trimEnd().split('\n');
    expect(kept.at(-1)).toBe('long done');
    expect(kept.filter((text) => /^(B|…)y+ \[… \d+ bytes …\] y+(E|…)$/.test(text)).length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...kept.map((text) => text.length))).toBeLessThan(8 * 1024);
    expect((await run.stop()).code).toBe(0);
    for (const follow of followers) expect((await follow.exited).code).toBe(0);
  }, 120_000);

  it('400 lines of 256 KB: the recent lines kept for status, the UI and `land logs` stay about 1 MiB, and so does land', async () => {
    const count = 400;
    const bytes = 256 * 1024;
    const dir = makeProject({
      config: { tiers: { wide: { command: sinkChild('--long-lines', count, bytes), restart: { policy: 'never' } }, calm: sleeper('calm') } },
    });
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    keepOwnLines(run, 'lines done');
    await run.waitFor(/wide +\| lines done/, 120_000);
    const told = await landDone(['logs', 'wide', '-n', '1000', '--json'], dir);
    expect(told.code).toBe(0);
    // 400 lines were asked for and written (100 MB); what is kept is bounded in size, not in count.
    expect(told.stdout.length).toBeLessThan(4 * MiB);
    const kept = told.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { line: string });
    expect(kept.length).toBeLessThan(count / 10);
    expect(kept.at(-1)!.line).toBe('lines done');
    // The kept lines are the newest, whole.
    const newest = kept.at(-2)!.line;
    expect(newest.startsWith(`L${count - 1} `) && newest.length === bytes - 1).toBe(true);
    // Status carries a short last line, and land did not keep the 100 MB.
    const wide = (await snapshot(dir)).tiers.find((tier) => tier.name === 'wide')!;
    expect(wide.lastLine).toBe('lines done');
    const rssKb = procStatusKb(run.proc.pid!, 'VmRSS');
    expect(rssKb, `land's resident size: ${Math.round(rssKb / 1024)} MB`).toBeLessThan(150 * 1024);
    expect((await run.stop()).code).toBe(0);
  }, 180_000);

  it('a tier log rotates at logs.rotateBytes and keeps logs.keepFiles rotated files, cut between lines; .land keeps the last keepBoots boots of logs and telemetry', async () => {
    const dir = makeProject({
      config: {
        logs: { rotateBytes: 64 * 1024, keepFiles: 2 },
        keepBoots: 3,
        tiers: { chatty: { command: sinkChild('--numbered', 20_000), restart: { policy: 'never' } }, calm: sleeper('calm') },
      },
      profiles: { debug: 'Record=1\n' },
    });
    // Five older boots in each per-boot folder, and a file of someone else's that must be left alone.
    const old = ['20250101T000000000Z-aaaaa1', '20250102T000000000Z-aaaaa2', '20250103T000000000Z-aaaaa3', '20250104T000000000Z-aaaaa4', '20250105T000000000Z-aaaaa5'];
    for (const folder of ['logs', 'telemetry']) {
      for (const boot of old) {
        mkdirSync(join(dir, '.land', folder, boot), { recursive: true });
        writeFileSync(join(dir, '.land', folder, boot, 'data'), 'old');
      }
      writeFileSync(join(dir, '.land', folder, 'notes.txt'), 'mine');
    }
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    await run.waitFor(/chatty +\| numbered done/, 60_000);
    await run.waitFor(/calm: starting → ready/);
    expect((await run.stop()).code).toBe(0);

    // Rotation: the live file and two rotated ones, none much over the size, each starting on a whole line, and
    // together the newest lines in order up to the last one.
    const files = logFiles(dir, run.bootId, 'chatty');
    expect(files.map((file) => file.slice(file.lastIndexOf('/') + 1))).toEqual(['chatty.log.2', 'chatty.log.1', 'chatty.log']);
    for (const file of files.slice(0, -1)) expect(statSync(file).size).toBeLessThan(64 * 1024 + 128 * 1024);
    const lines = files.flatMap((file) => readFileSync(file, 'utf8').split('\n').slice(0, -1));
    expect(lines.at(-1)).toBe('numbered done');
    const numbers = lines.slice(0, -1).map((line) => {
      expect(line).toMatch(/^N\d+\.*$/);
      expect(line.length).toBe(99);
      return Number(/^N(\d+)/.exec(line)![1]);
    });
    expect(numbers.at(-1)).toBe(19_999);
    numbers.forEach((n, i) => expect(n).toBe(numbers[0]! + i));
    expect(numbers[0]).toBeGreaterThan(0); // the oldest lines went with the oldest file

    // Retention: the two newest old boots and this one; other files untouched.
    for (const folder of ['logs', 'telemetry']) {
      const left = readdirSync(join(dir, '.land', folder)).sort();
      expect(left).toEqual([old[3], old[4], run.bootId, 'notes.txt'].sort());
    }
    expect(existsSync(join(dir, '.land', 'telemetry', run.bootId, 'events.ndjson'))).toBe(true);
  });
});
