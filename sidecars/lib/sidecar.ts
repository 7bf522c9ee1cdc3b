/**
 * What every demo sidecar shares: telemetry initialised with its tier, a log line helper, an env report for tests
 * (LAND_REPORT_ENV_DIR), and a clean exit on SIGTERM/SIGINT that flushes telemetry first.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { captureEvent, initialize, shutdown, withSpan, type Tier } from '../../src/telemetry/index.js';

export type Stop = () => Promise<void> | void;

function reportEnv(tier: string): void {
  const dir = process.env.LAND_REPORT_ENV_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${tier}-${process.pid}.json`), JSON.stringify(process.env));
}

/** Runs a sidecar: `main` starts its work and returns how to stop it. */
export async function runSidecar(tier: Tier, main: () => Promise<Stop>): Promise<void> {
  reportEnv(tier);
  initialize(tier);
  const stop = await withSpan(`${tier}.start`, () => main());
  captureEvent(`land:${tier}:started`, { skip_builtin: process.env.Skip ?? 'false' });
  // Alive until told to stop, whatever main left running.
  const keepAlive = setInterval(() => {}, 1 << 30);
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    clearInterval(keepAlive);
    process.stdout.write(`received ${signal}, shutting down\n`);
    void Promise.resolve(stop())
      .then(() => shutdown())
      .finally(() => {
        process.stdout.write('bye\n');
        process.exit(0);
      });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** For one-shot sidecars: do the work inside a span, flush, exit 0. */
export async function runTask(tier: Tier, task: () => Promise<void>): Promise<void> {
  reportEnv(tier);
  initialize(tier);
  await withSpan(`${tier}.task`, task);
  captureEvent(`land:${tier}:completed`, {});
  await shutdown();
}

export function port(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}
