#!/usr/bin/env node
// How a slow reader's progress shows to the writer of a unix socket (for the close's drain, src/control/drain.ts).
// A server streams `--lines` flood lines (as land's log stream: 64 KiB pieces, the next once the last was taken) to
// a reader in its own process that reads 16 KiB every `--every` ms; it samples `bytesWritten - writableLength`
// every 5 ms and records the socket's 'drain' events, then prints the gaps between steps and the stall limit
// ReaderPace (dist/) would give that reader. Usage: npm run build; node bench/drain-pace.mjs [--every 50,100,200]
// [--lines 30000]. Prints one line per pace.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ReaderPace } from '../dist/src/control/reader-pace.js';

const { values } = parseArgs({ options: { every: { type: 'string', default: '50,100,200' }, lines: { type: 'string', default: '30000' } } });
const total = Number(values.lines);
const line = (i) => `f    | f line ${i} ${'x'.repeat(80)}\n`;
const READER = `
const { request } = require('node:http');
const [socketPath, every] = process.argv.slice(1);
const req = request({ socketPath, path: '/', agent: false }, (res) => {
  res.pause();
  res.on('end', () => process.exit(0));
  setInterval(() => res.read(16384), Number(every));
});
req.end();`;

const gapsOf = (times) => times.slice(1).map((t, i) => t - times[i]).filter((gap) => gap >= 20).sort((a, b) => a - b);

async function run(every) {
  const path = join(tmpdir(), `drain-pace-${process.pid}.sock`);
  rmSync(path, { force: true });
  return new Promise((resolve) => {
    const server = createServer((_req, res) => {
      res.writeHead(200).flushHeaders();
      const socket = res.socket;
      const pace = new ReaderPace(socket);
      const t0 = Date.now();
      const [steps, drains, limits] = [[], [], []];
      let taken = 0;
      socket.on('drain', () => drains.push(Date.now() - t0));
      const timer = setInterval(() => {
        const now = Date.now();
        const nowTaken = socket.bytesWritten - socket.writableLength;
        if (nowTaken > taken) steps.push(now - t0);
        taken = nowTaken;
        limits.push(pace.stallLimit(now, 1000));
      }, 5);
      let i = 0;
      const flush = () => {
        while (i < total) {
          let piece = '';
          while (piece.length < 65536 && i < total) piece += line(i++);
          if (!res.write(piece)) return res.once('drain', flush);
        }
        res.end();
      };
      flush();
      res.on('close', () => {
        clearInterval(timer);
        const gaps = gapsOf(steps);
        const late = limits.slice(limits.length >> 1).sort((a, b) => a - b);
        resolve({ every, bytesPerS: Math.round(16384 / (every / 1000)), ms: Date.now() - t0, steps: steps.length, drains: drains.length, medianGap: gaps[gaps.length >> 1], maxGap: gaps.at(-1), stallLimitMin: late[0], stallLimitMax: late.at(-1) });
        server.close();
      });
    });
    server.listen(path, () => {
      spawn(process.execPath, ['-e', READER, path, String(every)], { stdio: 'inherit' }).on('exit', () => rmSync(path, { force: true }));
    });
  });
}

const { loadavg } = await import('node:os');
console.log(`load ${loadavg()[0].toFixed(1)}, ${total} lines (${((total * line(0).length) / 1e6).toFixed(1)} MB), net.core.wmem_default as set`);
for (const every of values.every.split(',').map(Number)) console.log(JSON.stringify(await run(every)));
