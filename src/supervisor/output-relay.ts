/**
 * A child's two pipes → its log file (the exact bytes) and blocks of whole lines; both pipes pause while the output
 * gate is held (a reader downstream is behind) or the log file is, so memory stays bounded and nothing is dropped.
 * A partial line that stays without its newline is handed on after a short quiet time (line-splitter.ts).
 */
import type { Readable } from 'node:stream';
import { noteHotBytes } from '../runtime/optimizer.js';
import type { LineBlock } from './line-block.js';
import { LineSplitter, MAX_LINE_BYTES, QUIET_MS } from './line-splitter.js';
import { StreamPauser, type OutputGate } from './output-gate.js';
import { noteRead } from './read-pace.js';
import { readIntoSlabs } from './slab-reads.js';
import type { TierLog } from './tier-log.js';
import type { LogStream } from './types.js';

export interface RelayOptions {
  stdout: Readable;
  stderr: Readable;
  file: TierLog;
  gate: OutputGate;
  /** The lines of one read, after the log file has taken their bytes (see LineSplitter). */
  onLines(stream: LogStream, block: LineBlock): void;
}

function relayStream(stream: Readable, name: LogStream, options: RelayOptions): Promise<void> {
  const { file, gate } = options;
  return new Promise<void>((resolve) => {
    const pauser = new StreamPauser(stream);
    const release = () => {
      pauser.release();
      if (!pauser.held) splitter.resumed();
    };
    const onGate = (held: boolean) => (held ? pauser.hold() : release());
    const onBlock = (block: LineBlock) => {
      // A quiet fragment is only shown: the file gets its bytes with the line's end (`block.file`).
      if ((block.file === undefined || block.file.length > 0) && !file.write(block.file ?? block.pieces)) {
        pauser.hold();
        file.whenWritable(release);
      }
      options.onLines(name, block);
    };
    const splitter = new LineSplitter(onBlock, MAX_LINE_BYTES, { quietMs: QUIET_MS, notNow: () => pauser.held || stream.readableEnded });
    const onRead = (chunk: Buffer) => {
      noteHotBytes(chunk.length);
      splitter.push(chunk);
      noteRead(chunk.length);
      return !pauser.held;
    };
    // Reads into slabs (slab-reads.ts), or node's `data` events where this node does not allow it; set up before a
    // held gate pauses the pipe (either way a paused pipe is not read until it is resumed).
    // A read may take what the pipe holds (fewer, larger reads in a flood), but an over-long line's fragment stays
    // within a read of node's size past the bound, as with `data` events (the printed pieces of about 1 MiB).
    const maxRead = () => MAX_LINE_BYTES - splitter.pendingLength;
    if (!readIntoSlabs(stream, onRead, maxRead, () => splitter.pendingLength)) stream.on('data', onRead);
    if (gate.held) pauser.hold();
    gate.on('change', onGate);
    stream.once('close', () => {
      splitter.end();
      gate.off('change', onGate);
      resolve();
    });
  });
}

/** Resolves once both pipes have closed and every line was handed on. */
export function relayOutput(options: RelayOptions): Promise<void> {
  return Promise.all([relayStream(options.stdout, 'stdout', options), relayStream(options.stderr, 'stderr', options)]).then(() => undefined);
}
