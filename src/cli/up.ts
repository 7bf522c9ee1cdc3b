/** `land up`: boot the stack under a profile, show it, and bring it down on Ctrl-C / SIGTERM / SIGHUP / quit. */
import { oneLine } from '../errors.js';
import { newBootId } from '../supervisor/boot-id.js';
import { liveLand, readPidRecord, reapBoot, removePidRecord, writePidRecord } from '../supervisor/pidfile.js';
import { Supervisor } from '../supervisor/supervisor.js';
import { InputError } from '../errors.js';
import { readPlan, type InputOptions } from './inputs.js';
import { createPrinter, useColor } from './printer.js';
import { startMountainTelemetry } from './telemetry.js';

export interface UpOptions extends InputOptions {
  tui: boolean;
}

/** Exit code when a second Ctrl-C cut the graceful shutdown short. */
const FORCED_EXIT = 130;

function refuseSecondLand(rootDir: string): void {
  const previous = readPidRecord(rootDir);
  const live = liveLand(previous);
  if (live) throw new InputError(`land is already running this stack (pid ${live.pid}, boot ${live.bootId}); stop it with \`land down\``);
  if (!previous) return;
  const reaped = reapBoot(previous.bootId);
  if (reaped.length > 0) {
    process.stderr.write(`land: reaped ${reaped.length} process(es) left by a land that died (pid ${previous.pid}, boot ${previous.bootId})\n`);
  }
}

export async function upCommand(options: UpOptions): Promise<number> {
  const plan = await readPlan(options);
  const rootDir = plan.config.rootDir;
  refuseSecondLand(rootDir);
  const bootId = newBootId();
  const telemetry = startMountainTelemetry(plan, bootId);
  const supervisor = new Supervisor({
    plan,
    bootId,
    tracer: telemetry.tracer,
    otlpEndpoint: telemetry.otlpEndpoint,
    telemetryStatus: () => telemetry.status(),
  });
  writePidRecord(rootDir, bootId);
  telemetry.attach(supervisor);

  // Whatever happens to land, its children go with it.
  process.on('exit', () => supervisor.killAll());
  const die = (error: unknown) => {
    process.stderr.write(`land: fatal: ${oneLine(error)}\n`);
    supervisor.killAll();
    removePidRecord(rootDir);
    process.exit(1);
  };
  process.on('uncaughtException', die);
  process.on('unhandledRejection', die);

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals === 1) {
      telemetry.beginShutdown();
      void supervisor.shutdown(`received ${signal}`);
      return;
    }
    supervisor.killAll();
    removePidRecord(rootDir);
    process.exit(FORCED_EXIT);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);

  const stopped = new Promise<void>((resolve) =>
    supervisor.subscribe((event) => {
      if (event.type === 'shutdown' && event.phase === 'begin') telemetry.beginShutdown();
      if (event.type === 'shutdown' && event.phase === 'end') resolve();
    }),
  );

  const interactive = options.tui && Boolean(process.stdout.isTTY) && Boolean(process.stdin.isTTY);
  let flush = async () => {};
  if (interactive) {
    const { runTui } = await import('../tui/index.js');
    supervisor.start();
    await runTui(supervisor, { mode: 'up' });
    await supervisor.shutdown('quit from the UI');
  } else {
    const printer = createPrinter({
      out: process.stdout,
      color: useColor(process.stdout),
      names: plan.config.tiers.map((tier) => tier.name),
      gate: supervisor.output,
    });
    supervisor.subscribe(printer.listener);
    flush = printer.flush;
    process.stdout.write(
      `land: boot ${bootId} · profile ${plan.profile} · trace ${telemetry.tracer.traceId} · logs ${supervisor.logDir}\n`,
    );
    supervisor.start();
  }
  // land stays up until asked to stop, even when every tier has ended on its own.
  const keepAlive = setInterval(() => {}, 1 << 30);
  await stopped;
  clearInterval(keepAlive);
  await telemetry.shutdown();
  await flush();
  removePidRecord(rootDir);
  return 0;
}
