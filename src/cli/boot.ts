/** Running a stack once its inputs are read and checked: telemetry, supervisor, control socket, display, exits. */
import type { BootPlan } from '../config/types.js';
import { startControlServer, type ControlServer } from '../control/server.js';
import { InputError, oneLine } from '../errors.js';
import { removePidRecord, writePidRecord } from '../supervisor/pidfile.js';
import { Supervisor } from '../supervisor/supervisor.js';
import { newBootId } from '../telemetry/ids.js';
import type { MountainTelemetry } from '../telemetry/mountain.js';
import { openDashboard, type DashboardFlags } from './dashboard-start.js';
import { createPrinter, useColor } from './printer.js';
import { describeTelemetry, startMountainTelemetry } from './telemetry.js';

/** Exit code when a second Ctrl-C cut the graceful shutdown short. */
const FORCED_EXIT = 130;

interface Boot {
  plan: BootPlan;
  supervisor: Supervisor;
  telemetry: MountainTelemetry;
  control: ControlServer;
}

/** Whatever happens to land, its children go with it: exit, uncaught errors, and signals (a second one: at once). */
function installExitPaths({ plan, supervisor, control }: Boot): void {
  const rootDir = plan.config.rootDir;
  process.on('exit', () => {
    supervisor.killAll();
    control.removeSocketNow();
  });
  const die = (error: unknown) => {
    process.stderr.write(`land: fatal: ${oneLine(error)}\n`);
    supervisor.killAll();
    control.removeSocketNow();
    removePidRecord(rootDir);
    process.exit(1);
  };
  process.on('uncaughtException', die);
  process.on('unhandledRejection', die);
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals === 1) {
      // The shutdown's begin event starts telemetry's land.shutdown span (mountain listens to it).
      void supervisor.shutdown(`received ${signal}`);
      return;
    }
    supervisor.killAll();
    removePidRecord(rootDir);
    process.exit(FORCED_EXIT);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
}

/** Shows the stack until it has stopped: the UI in a terminal, prefixed lines otherwise. Says which it was. */
async function showStack({ plan, supervisor, telemetry }: Boot, stopped: Promise<void>, useTui: boolean): Promise<'tui' | 'plain'> {
  if (useTui && process.stdout.isTTY && process.stdin.isTTY) {
    const { runTui } = await (await import('../tui/load.js')).loadTui();
    supervisor.start();
    await runTui(supervisor, { mode: 'up' });
    await supervisor.shutdown('quit from the UI');
    return 'tui';
  }
  const printer = createPrinter({
    out: process.stdout,
    color: useColor(process.stdout),
    names: supervisor.snapshot().tiers.map((tier) => tier.name),
    gate: supervisor.output,
  });
  supervisor.subscribe(printer.listener);
  process.stdout.write(
    `land: boot ${supervisor.bootId} · profile ${plan.profile} · trace ${telemetry.traceId} · logs ${supervisor.logDir}\n`,
  );
  supervisor.start();
  await stopped;
  await printer.flush();
  return 'plain';
}

/** The control socket (and --control-port); if it cannot listen, telemetry already started is closed first. */
async function openControl(supervisor: Supervisor, telemetry: MountainTelemetry, rootDir: string, port?: number, dashboardUrl?: () => string | undefined) {
  try {
    const control = await startControlServer({ control: supervisor, rootDir, port, dashboardUrl });
    // Once, to the person who started land: what a Prometheus scraper needs.
    if (control.tcp) process.stderr.write(`land: control API on http://127.0.0.1:${control.tcp.port} · bearer token ${control.tcp.token}\n`);
    return control;
  } catch (error) {
    await telemetry.shutdown();
    throw port === undefined ? error : new InputError(`--control-port: cannot listen on 127.0.0.1:${port}: ${oneLine(error)}`);
  }
}

export async function runStack(plan: BootPlan, options: { tui: boolean; controlPort?: number } & DashboardFlags): Promise<number> {
  const rootDir = plan.config.rootDir;
  // First, so a port it cannot have is refused before anything else exists; it reads the stack only when asked.
  const dashboard = await openDashboard(plan, options, () => ({ control: supervisor, recordDir: telemetry.recordDir }));
  const bootId = newBootId();
  const telemetry = startMountainTelemetry(plan, bootId);
  const supervisor = new Supervisor({
    plan,
    bootId,
    tracer: telemetry.tracer,
    otlpEndpoint: telemetry.otlpEndpoint,
    telemetryStatus: () => telemetry.status(),
  });
  const control = await openControl(supervisor, telemetry, rootDir, options.controlPort, () => dashboard?.loginUrl).catch(async (error: unknown) => {
    await dashboard?.close();
    throw error;
  });
  writePidRecord(rootDir, bootId);
  telemetry.attach(supervisor);
  const boot = { plan, supervisor, telemetry, control };
  installExitPaths(boot);
  // Once, to the person who started land (never into a log file or the recording), now that Ctrl-C is handled.
  if (dashboard) process.stderr.write(`land: dashboard on ${dashboard.loginUrl}\n`);

  const stopped = new Promise<void>((resolve) =>
    supervisor.subscribe((event) => {
      if (event.type === 'shutdown' && event.phase === 'end') resolve();
    }),
  );
  // land stays up until asked to stop, even when every tier has ended on its own.
  const keepAlive = setInterval(() => {}, 1 << 30);
  const shown = await showStack(boot, stopped, options.tui);
  await stopped;
  clearInterval(keepAlive);
  // Ends every follow stream and connection: nothing of the control server outlives the stack.
  await control.close();
  await dashboard?.close();
  await telemetry.shutdown();
  // After the last flush, so the counts are final.
  if (shown === 'plain') process.stderr.write(`land: ${describeTelemetry(telemetry.status())}\n`);
  removePidRecord(rootDir);
  return 0;
}
