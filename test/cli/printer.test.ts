/** The plain printer: every line of a block prefixed with its tier, from the bytes as read or from the lines. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createPrinter, prefixLines } from '../../src/cli/printer.js';
import { tierHeads } from '../../src/cli/tier-heads.js';
import { fragmentText, markedPieces, type LineCut } from '../../src/supervisor/fragments.js';
import { LineSplitter } from '../../src/supervisor/line-splitter.js';
import { OutputGate } from '../../src/supervisor/output-gate.js';
import type { SupervisorEvent } from '../../src/supervisor/types.js';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAND_BIN, makeProject, removeProjects } from '../helpers/land.js';

/** The blocks a splitter hands on for `text` read in chunks cut at `offsets`. */
function blocks(text: string, offsets: number[]): { pieces: Buffer[]; lines: string[] }[] {
  const bytes = Buffer.from(text);
  const bounds = [0, ...offsets, bytes.length];
  const out: { pieces: Buffer[]; lines: string[] }[] = [];
  const splitter = new LineSplitter((block) => out.push({ pieces: [...block.pieces], lines: block.lines }));
  for (let i = 1; i < bounds.length; i++) splitter.push(bytes.subarray(bounds[i - 1], bounds[i]));
  splitter.end();
  return out;
}

function collect(): { out: Writable; text: () => string; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  return { out, text: () => Buffer.concat(chunks).toString('utf8'), bytes: () => Buffer.concat(chunks) };
}

describe('prefixLines', () => {
  it('puts the head before every line, whatever the reads cut, and ends the last line', () => {
    const text = 'alpha\n\nbeta é 漢字\nlast without newline';
    const head = Buffer.from('api | ');
    const bytes = Buffer.from(text);
    for (let cutAt = 1; cutAt < bytes.length; cutAt++) {
      const joined = blocks(text, [cutAt, Math.min(bytes.length - 1, cutAt + 3)])
        .map(({ pieces, lines }) => prefixLines(head, pieces, lines.length).toString('utf8'))
        .join('');
      expect(joined, `cut at ${cutAt}`).toBe('api | alpha\napi | \napi | beta é 漢字\napi | last without newline\n');
    }
  });
});

describe('createPrinter', () => {
  it('prints the same text from the bytes as from the lines, and drops carriage returns', async () => {
    const runs = [true, false].map(async (withBytes) => {
      const { out, text } = collect();
      const printer = createPrinter({ out, color: false, names: ['api', 'worker'], gate: new OutputGate() });
      const events: SupervisorEvent[] = [];
      for (const [tier, input] of [['api', 'one\ntwo\n'], ['worker', 'crlf\r\nline\r\n'], ['api', 'tail']] as const) {
        for (const { pieces, lines } of blocks(input, [])) {
          events.push({ type: 'log', tier, stream: 'stdout', lines, bytes: withBytes ? pieces : undefined, at: 0 });
        }
      }
      for (const event of events) printer.listener(event);
      await printer.flush();
      return text();
    });
    const [fromBytes, fromLines] = await Promise.all(runs);
    expect(fromBytes).toBe(fromLines);
    expect(fromBytes).toBe('api      | one\napi      | two\nworker   | crlf\nworker   | line\napi      | tail\n');
  });
});

describe('createPrinter and bytes that are not text', () => {
  /** A child's bytes: invalid UTF-8, a carriage return inside a line, a `\r\n` line end, in one read. */
  const RAW = Buffer.from([...Buffer.from('1 A'), 0xff, ...Buffer.from('B\n2 A'), 0xff, ...Buffer.from('B\rC\n3 crlf\r\n')]);
  const PRINTED = Buffer.concat([Buffer.from('api      | 1 A'), Buffer.from([0xff]), Buffer.from('B\napi      | 2 A'), Buffer.from([0xff]), Buffer.from('B\rC\napi      | 3 crlf\n')]);

  it('passes every byte of a block with a carriage return as read (no U+FFFD), dropping only the \\r of a \\r\\n line end', async () => {
    const { out, bytes } = collect();
    const printer = createPrinter({ out, color: false, names: ['api'], gate: new OutputGate() });
    const found: { pieces: Buffer[]; lines: string[] }[] = [];
    const splitter = new LineSplitter((block) => found.push({ pieces: [...block.pieces], lines: block.lines }));
    splitter.push(RAW);
    splitter.end();
    for (const { pieces, lines } of found) printer.listener({ type: 'log', tier: 'api', stream: 'stdout', lines, bytes: pieces, at: 0 });
    await printer.flush();
    expect(bytes().equals(PRINTED), bytes().toString('latin1')).toBe(true);
  });

  it('land up --no-tui prints them so, and the log file holds them exactly', { timeout: 60_000 }, async () => {
    const script = `process.stdout.write(Buffer.from(${JSON.stringify([...RAW])})); setTimeout(() => {}, 300)`;
    const dir = makeProject({ config: { tiers: { api: { command: ['node', '-e', script], restart: { policy: 'never' } } } } });
    try {
      const chunks: Buffer[] = [];
      const run = spawn(process.execPath, [LAND_BIN, 'up', '--no-tui', '--no-dashboard', '--exit-with', 'api'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NO_COLOR: '1' } });
      run.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
      const [code] = (await once(run, 'close')) as [number];
      expect(code).toBe(0);
      const printed = Buffer.concat(chunks);
      expect(printed.includes(PRINTED), printed.toString('latin1')).toBe(true);
      const boot = readdirSync(join(dir, '.land', 'logs'))[0]!;
      expect(readFileSync(join(dir, '.land', 'logs', boot, 'api.log')).equals(RAW)).toBe(true);
    } finally {
      removeProjects();
    }
  });
});

describe('createPrinter and fragments of an over-long line', () => {
  it('prints a fragment from its bytes, all of them (carriage returns inside too), whatever its text shows', async () => {
    const { out, text } = collect();
    const printer = createPrinter({ out, color: false, names: ['big'], gate: new OutputGate() });
    const middle = Buffer.from(`${'x'.repeat(40_000)}\r${'z'.repeat(40_000)}`);
    const last = Buffer.from('tail\r\n');
    const cuts: Array<[Buffer, LineCut]> = [[middle, 'first'], [middle, 'middle'], [last, 'last']];
    for (const [bytes, cut] of cuts) {
      printer.listener({ type: 'log', tier: 'big', stream: 'stdout', lines: [fragmentText([bytes], cut)], bytes: markedPieces([bytes], cut), cut, at: 0 });
    }
    await printer.flush();
    const body = `${'x'.repeat(40_000)}\r${'z'.repeat(40_000)}`;
    const head = `${'big'.padEnd('mountain'.length)} | `;
    // Compared as a boolean: a failing diff of 160 000 characters would drown the report.
    expect(text() === `${head}${body}…\n${head}…${body}…\n${head}…tail\n`, text().replace(/x+|z+/g, (run) => `${run[0]}×${run.length}`)).toBe(true);
  });
});

describe('createPrinter and a slow output', () => {
  it('writes every tick as one buffer used again, never before the output is done with it: a slow pipe gets every byte in order', async () => {
    // Each write is taken 2 ms later, as a busy pipe would (its bytes copied only then): a buffer used again before
    // the write is done would show later bytes.
    const held: Buffer[] = [];
    const out = new Writable({
      highWaterMark: 64 * 1024,
      write(chunk: Buffer, _encoding, done) {
        setTimeout(() => {
          held.push(Buffer.from(chunk));
          done();
        }, 2);
      },
    });
    const gate = new OutputGate();
    const printer = createPrinter({ out, color: false, names: ['api', 'worker'], gate });
    let want = '';
    for (let tick = 0; tick < 200; tick++) {
      for (const tier of ['api', 'worker']) {
        const text = Array.from({ length: 50 }, (_, i) => `${tier} ${tick}:${i} ${'x'.repeat(tick % 90)}`).join('\n');
        for (const { pieces, lines } of blocks(`${text}\n`, [7, 500, 1999])) {
          printer.listener({ type: 'log', tier, stream: 'stdout', lines, count: lines.length, bytes: pieces, at: 0 });
        }
        want += text.split('\n').map((line) => `${tier.padEnd('mountain'.length)} | ${line}\n`).join('');
      }
      // A large line now and then, written as it lies between two blocks copied into the buffer.
      if (tick % 50 === 0) {
        const big = `${'L'.repeat(40_000)}\n`;
        printer.listener({ type: 'log', tier: 'api', stream: 'stdout', lines: [big.trimEnd()], count: 1, bytes: [Buffer.from(big)], at: 0 });
        want += `${'api'.padEnd('mountain'.length)} | ${big}`;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await printer.flush();
    await new Promise((resolve) => out.end(resolve));
    const got = Buffer.concat(held).toString('utf8');
    expect(got.length).toBe(want.length);
    expect(got === want, 'the printed bytes differ from the lines written').toBe(true);
    expect(gate.held).toBe(false);
  });
});

describe('createPrinter and a flood', () => {
  it('uses its kept buffers again for ticks of varying sizes over 256 KiB, each written whole and in order', async () => {
    const chunks: Buffer[] = [];
    const buffers = new Set<ArrayBufferLike>();
    const out = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(Buffer.from(chunk));
        buffers.add(chunk.buffer);
        done();
      },
    });
    const printer = createPrinter({ out, color: false, names: ['api'], gate: new OutputGate() });
    let want = '';
    // Ticks of 0.3–2.2 MB in varying order, as a flood of four children makes them.
    const sizes = [3000, 9000, 5000, 20_000, 12_000, 4000, 20_000, 7000, 15_000, 3000, 20_000, 11_000];
    for (const [tick, lines] of sizes.entries()) {
      const text = Array.from({ length: lines }, (_, i) => `${tick}:${i} ${'x'.repeat(90)}`).join('\n');
      for (const { pieces, lines: split } of blocks(`${text}\n`, [65_536, 131_072])) {
        printer.listener({ type: 'log', tier: 'api', stream: 'stdout', lines: split, count: split.length, bytes: pieces, at: 0 });
      }
      want += text.split('\n').map((line) => `${'api'.padEnd('mountain'.length)} | ${line}\n`).join('');
      await new Promise((resolve) => setImmediate(resolve));
    }
    await printer.flush();
    expect(Buffer.concat(chunks).toString('utf8') === want, 'the printed bytes differ from the lines written').toBe(true);
    // A fresh buffer per large tick would make one per tick; two are kept, and one made for each new largest size.
    expect(chunks.length).toBe(sizes.length);
    expect(buffers.size).toBeLessThanOrEqual(4);
  });
});

describe('tierHeads (the printer\'s prefixes, which land logs prints too)', () => {
  it('pads to the longest name and mountain, colours by the place in the stack, mountain in the last colour', async () => {
    const { styleText } = await import('node:util');
    const heads = tierHeads(['api', 'worker-long', 'db'], true);
    expect(heads('api').text).toBe(`${styleText('cyan', 'api         |')} `);
    expect(heads('worker-long').text).toBe(`${styleText('magenta', 'worker-long |')} `);
    expect(heads('db').text).toBe(`${styleText('yellow', 'db          |')} `);
    expect(heads('mountain').text).toBe(`${styleText('magentaBright', 'mountain    |')} `);
    // A name the stack did not have at first (a replica added later) takes the first colour, the same width.
    expect(heads('api.9').text).toBe(`${styleText('cyan', 'api.9       |')} `);
    expect(tierHeads(['a'], false)('a').text).toBe('a        | ');
    expect(heads('api').bytes.toString()).toBe(heads('api').text);
  });

  it('is what the printer puts before each line', async () => {
    const { out, text } = collect();
    const names = ['api', 'worker'];
    const printer = createPrinter({ out, color: true, names, gate: new OutputGate() });
    printer.listener({ type: 'log', tier: 'worker', stream: 'stdout', lines: ['hello'], at: 0 });
    printer.listener({ type: 'state', tier: 'api', from: 'starting', to: 'ready', reason: 'probe', at: 0 });
    await printer.flush();
    const heads = tierHeads(names, true);
    expect(text()).toBe(`${heads('worker').text}hello\n${heads('mountain').text}api: starting → ready (probe)\n`);
  });
});
