/** Opening a stack: dashboard, telemetry, receiver, supervisor, control socket, pid record, exit paths. */
import { rmdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BootPlan } from '../config/types.js';
import { startControlServer } from '../control/server.js';
import { cannotListen } from '../errors.js';
import { DEFAULTS } from '../config/resolve.js';
import { writePidRecord } from '../supervisor/pidfile.js';
import { pruneBootsAfterFirstSpawn } from '../supervisor/retention.js';
import { writeCodeCacheAfterFirstSpawn } from '../startup/write-code-cache.js';
import { Supervisor } from '../supervisor/supervisor.js';
import { newBootId } from '../telemetry/ids.js';
import type { MountainTelemetry } from '../telemetry/mountain.js';
import { fromBootStore } from '../dashboard/receiver-source.js';
import { openDashboard, type DashboardFlags } from './dashboard-start.js';
import { attachmentAtStart } from './attachment.js';
import type { Receiver } from '../receiver/receiver.js';
import { followTiers, openStackReceiver, receiverOff, SinkProxy } from '../receiver/stack.js';
import { RECEIVER_PROTOCOL } from '../config/receiver.js';
import { tellAccess } from './background-channel.js';
import { guardStdio } from './sinks.js';
import { startMountainTelemetry } from './telemetry.js';
import { installExitPaths } from './boot-exits.js';
import type { Boot, Dashboard, StackOptions } from './boot-types.js';

/** The control socket (and --control-port); if it cannot listen, telemetry already started is closed first. */
async function openControl(
  supervisor: Supervisor,
  telemetry: MountainTelemetry,
  receiver: Receiver | undefined,
  rootDir: string,
  port?: number,
  dashboardUrl?: () => string | undefined,
) {
  try {
    const control = await startControlServer({ control: supervisor, rootDir, port, dashboardUrl, receiver: receiver?.store, bootContext: telemetry.tracer.bootContextEnv });
    // Once, to the person who started land: what a Prometheus scraper needs.
    if (control.tcp) {
      const api = `land: control API on http://127.0.0.1:${control.tcp.port}`;
      tellAccess(`${api} · bearer token ${control.tcp.token}`, `${api} (its bearer token is not written to the journal)`);
    }
    return control;
  } catch (error) {
    await telemetry.shutdown();
    await receiver?.close();
    throw port === undefined ? error : cannotListen('--control-port', port, error);
  }
}

/** A boot refused before it started (`--control-port` busy): its log folder goes, empty, and `.land/logs` if it made it. */
function forgetBoot(logDir: string, madeLogsFolder: boolean): void {
  try {
    rmdirSync(logDir);
    if (madeLogsFolder) rmdirSync(dirname(logDir));
  } catch {
    // Not empty (another land's boots): left as it is.
  }
}

/** The receiver, listening before the first child spawns (its port goes into their env); telemetry closed if not. */
async function openReceiver(plan: BootPlan, bootId: string, telemetry: MountainTelemetry, sink: SinkProxy, port?: number) {
  try {
    const receiver = await openStackReceiver({ plan, bootId, bootDir: telemetry.recordDir, forwardTo: telemetry.otlpEndpoint, port });
    sink.target = receiver?.spanSink;
    return receiver;
  } catch (error) {
    await telemetry.shutdown();
    throw error;
  }
}

/** What openStack opened; `early`: a signal that came while it opened, for runUntilStopped to act on once it listens. */
export interface Opened {
  boot: Boot;
  dashboard: Dashboard;
  early?: () => void;
}

/** Opening: dashboard, telemetry, receiver, supervisor, control socket, pid record, exit paths. Nothing started yet. */
export async function openStack(plan: BootPlan, options: StackOptions & DashboardFlags): Promise<Opened> {
  const rootDir = plan.config.rootDir;
  guardStdio();
  // First, so a port it cannot have is refused before anything else exists; it reads the stack only when asked.
  const dashboard = await openDashboard(plan, options, () => ({
    control: supervisor,
    recordDir: telemetry.recordDir,
    receiver: receiver ? fromBootStore(receiver.store) : undefined,
    childEnv: (config, traceparent) => supervisor.childEnv(config, traceparent),
  }));
  const bootId = options.bootId ?? newBootId();
  const sink = new SinkProxy();
  const telemetry = startMountainTelemetry(plan, bootId, sink);
  const receiver = await openReceiver(plan, bootId, telemetry, sink, options.receiverPort).catch(async (error: unknown) => {
    await dashboard?.close();
    throw error;
  });
  const supervisor = new Supervisor({
    plan,
    bootId,
    tracer: telemetry.tracer,
    // With the receiver on, children export to land, which forwards to the collector when the OTLP pipe is on.
    otlpEndpoint: receiver?.endpoint ?? telemetry.otlpEndpoint,
    otlpProtocol: receiver ? RECEIVER_PROTOCOL : undefined,
    telemetryStatus: () => telemetry.status(),
    receiverStatus: () => receiver?.status() ?? receiverOff('receiver.enabled is false'),
    reread: options.reread,
    watchConfig: options.watchConfig === true && options.reread !== undefined,
  });
  const control = await openControl(supervisor, telemetry, receiver, rootDir, options.controlPort, () => dashboard?.loginUrl).catch(async (error: unknown) => {
    await dashboard?.close();
    forgetBoot(supervisor.logDir, supervisor.madeLogsFolder);
    throw error;
  });
  writePidRecord(rootDir, bootId);
  telemetry.attach(supervisor);
  if (receiver) followTiers(receiver, supervisor);
  // The last N boots' logs and telemetry are kept; older ones go once this boot's first child is on its way.
  pruneBootsAfterFirstSpawn(supervisor, rootDir, plan.config.keepBoots ?? DEFAULTS.keepBoots, bootId);
  // A first start of this build writes its code cache then, not 250 ms after loading (which one killed sooner missed).
  writeCodeCacheAfterFirstSpawn(supervisor);
  const boot: Boot = { how: {}, plan, supervisor, telemetry, control, receiver, guardian: options.guardian, attachment: attachmentAtStart(options.detached ?? false) };
  const onSignal = installExitPaths(boot);
  const signal = options.interrupts?.handOver();
  if (signal) return { boot, dashboard, early: () => onSignal(signal) };
  // Once, to the person who started land (never into a log file or the recording), now that Ctrl-C is handled.
  if (dashboard) tellAccess(`land: dashboard on ${dashboard.loginUrl}`, `land: dashboard on ${new URL(dashboard.loginUrl).origin} (its login URL is not written to the journal: \`land dashboard\` prints it)`);
  return { boot, dashboard };
}
