/** `land trace [boot id]`: draw a recorded boot's trace as a tree (default: the latest boot), or print it as JSON. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { loadCodec } from '../receiver/transport/lazy-codec.js';
import { findLatestBoot, renderTrace, traceJsonLines } from '../telemetry/trace-view.js';
import { readConfig, type InputOptions } from './inputs.js';
import { withMachineStdout, writeOut } from './machine-output.js';
import { unknownTiers } from '../logs/selection.js';
import { requestJson } from '../control/client.js';
import { socketPath } from '../control/paths.js';
import type { RunningBoot } from '../telemetry/running-boot.js';

export interface TraceOptions extends InputOptions {
  /** Draw this trace (full id or a unique prefix) instead of the boot's. */
  trace?: string;
  /** Only this tier's spans. */
  tier?: string;
  /** One JSON object per span. */
  json?: boolean;
  /** Every span and trace, not the first DRAWN_SPANS / each tier's newest LISTED_TRACES. */
  all?: boolean;
}

export async function traceCommand(bootId: string | undefined, options: TraceOptions): Promise<number> {
  return withMachineStdout(options.json, () => trace(bootId, options));
}

async function trace(bootId: string | undefined, options: TraceOptions): Promise<number> {
  const config = await readConfig(options);
  const root = join(config.rootDir, '.land', 'telemetry');
  const id = bootId ?? findLatestBoot(root);
  if (!id) throw new InputError(`no recorded boot under ${root} (boot with land up first)`);
  const dir = join(root, id);
  if (!existsSync(dir)) throw new InputError(`boot id: no recording for "${id}" under ${root}`);
  if (options.tier !== undefined && !config.tiers.some((tier) => tier.tier === options.tier || tier.name === options.tier) && options.tier !== 'mountain') {
    throw new InputError(`--tier: ${unknownTiers([options.tier], ['mountain', ...config.tiers.map((tier) => tier.tier)])}`);
  }
  // The receiver keeps protobuf requests as they came: reading them needs the codec (protobufjs, loaded lazily).
  const decoder = existsSync(join(dir, 'receiver')) ? await loadCodec() : undefined;
  const filter = { traceId: options.trace, tier: options.tier, decoder, ...(await bootState(config.rootDir, id)) };
  if (options.json) {
    writeOut(traceJsonLines(dir, { ...filter, warn: (line) => process.stderr.write(`land trace: ${line}\n`) }));
    return 0;
  }
  const width = process.stdout.columns ?? 80;
  process.stdout.write(`${renderTrace(dir, { ...filter, all: options.all, width, color: Boolean(process.stdout.isTTY) && !('NO_COLOR' in process.env) })}\n`);
  return 0;
}

/**
 * Whether the boot drawn still runs (its root drawn running, from the stack) or its land is gone (a root it never
 * recorded is drawn cut short). A live land of that boot that does not answer: neither, the spans as they are.
 */
async function bootState(rootDir: string, bootId: string): Promise<{ running?: RunningBoot; ended?: boolean }> {
  const running = await runningBoot(rootDir, bootId);
  if (running) return { running };
  // Loaded only here: the pid file's module brings the process-tree code.
  const { liveOrElsewhere, readPidRecord } = await import('../supervisor/pidfile.js');
  // A land of another pid namespace is not judged by its pid: its boot is taken as not ended.
  return { ended: liveOrElsewhere(readPidRecord(rootDir))?.bootId !== bootId };
}

/**
 * The stack running in this folder, when it runs the boot drawn: its root span is recorded only at shutdown, so the
 * tree's root comes from what the stack says of it (as the dashboard draws it). No stack, or another boot: undefined.
 */
async function runningBoot(rootDir: string, bootId: string): Promise<RunningBoot | undefined> {
  try {
    const snapshot = await requestJson<RunningBoot>(socketPath(rootDir), 'GET', '/status');
    return snapshot.bootId === bootId ? snapshot : undefined;
  } catch {
    return undefined;
  }
}
