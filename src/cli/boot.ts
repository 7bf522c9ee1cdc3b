/** Running a stack once its inputs are read and checked: telemetry, supervisor, control socket, display, exits. */
import { rmdirSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname } from 'node:path';
import type { BootPlan } from '../config/types.js';
import { startControlServer, type ControlServer } from '../control/server.js';
import { cannotListen, everyStep, oneLine } from '../errors.js';
import { EXIT_LEFT_BEHIND } from '../control/exit-codes.js';
import { describeStillRunning, describeStrays, type NamedStray, type StillRunning } from '../supervisor/left-behind.js';
import { DEFAULTS } from '../config/resolve.js';
import { removePidRecord, writePidRecord } from '../supervisor/pidfile.js';
import { pruneBootsAfterFirstSpawn } from '../supervisor/retention.js';
import { writeCodeCacheAfterFirstSpawn } from '../startup/write-code-cache.js';
import { Supervisor } from '../supervisor/supervisor.js';
import { newBootId } from '../telemetry/ids.js';
import type { MountainTelemetry } from '../telemetry/mountain.js';
import { fromBootStore } from '../dashboard/receiver-source.js';
import { openDashboard, type DashboardFlags } from './dashboard-start.js';
import { attachmentAtStart, attachmentWhenOrphaned, watchParent, type Attachment } from './attachment.js';
import { describeReceiver } from '../receiver/describe.js';
import type { Receiver } from '../receiver/receiver.js';
import { followTiers, openStackReceiver, receiverOff, SinkProxy } from '../receiver/stack.js';
import { RECEIVER_PROTOCOL } from '../config/receiver.js';
import { boundOutput, claimOutput } from './background-output.js';
import { closeFatalChannel, tellAccess } from './background-channel.js';
import type { Guardian } from './guardian.js';
import { createPrinter, useColor } from './printer.js';
import { guardStdio, onSinkLost, tell } from './sinks.js';
import { describeTelemetry, startMountainTelemetry } from './telemetry.js';

/** Exit code when a second Ctrl-C cut the graceful shutdown short. */
const FORCED_EXIT = 130;

/** How the stack came to stop: what `until` ended it with, else the first signal and the shutdown's reason. */
interface Ending {
  end?: StackEnd;
  signal?: NodeJS.Signals;
  reason?: string;
}

interface Boot {
  how: Ending;
  plan: BootPlan;
  supervisor: Supervisor;
  telemetry: MountainTelemetry;
  control: ControlServer;
  attachment: Attachment;
  receiver: Receiver | undefined;
  /** Reaps this boot's leftovers if land dies without its exit paths (guardian.ts). */
  guardian: Guardian;
}

export interface StackOptions {
  tui: boolean;
  controlPort?: number;
  /** The OTLP receiver's port (`--receiver-port`, over the config's receiver.port). */
  receiverPort?: number;
  /** Keep running when the terminal or the parent goes away (README "Detaching"). */
  detached?: boolean;
  /**
   * How the person asked for the stack to end with a tier (`--exit-with test`): stopped any other way first, land
   * does not exit 0 (stackCode).
   */
  ending?: string;
  /** Started by `land up --background`: no display, land's own lines only, in a bounded file (background-output.ts). */
  inBackground?: string;
  /** The boot id the folder was claimed with (up.ts); a new one without. */
  bootId?: string;
  /** Started with the claim (up.ts), before the config loaded: reaps the boot if land dies outright (guardian.ts). */
  guardian: Guardian;
  /** Ends the stack with its exit code (`land spawn` alone: when the tier ends); otherwise it runs until asked to stop. */
  until?: (supervisor: Supervisor, plan: BootPlan) => Promise<number | StackEnd>;
  /** The config read again as this boot read it (`land apply`). */
  reread?: () => Promise<BootPlan>;
  /** `--watch-config`: a saved config is applied as `land apply` applies it (src/watch/config-watch.ts). */
  watchConfig?: boolean;
}

/** How an `until` ended the stack: land's exit code, and the shutdown's reason (printed, shown in the UI). */
export interface StackEnd {
  code: number;
  reason: string;
}

/**
 * A hangup stops an attached land and is ignored by a detached one; a parent that goes away without a word stops an
 * attached land unless it runs as a background job of its own (src/cli/attachment.ts).
 */
function installAttachment({ supervisor, attachment }: Boot, onSignal: (signal: NodeJS.Signals) => void): void {
  process.on('SIGHUP', () => {
    if (!attachment.detached) return onSignal('SIGHUP');
    tell(`land: SIGHUP ignored: this land is detached (${attachment.why}); \`land down\` stops it`);
  });
  watchParent((parent) => {
    const now = attachmentWhenOrphaned(attachment);
    if (now.detached) return tell(`land: parent process ${parent} went away; the stack keeps running (${now.why})`);
    tell(`land: parent process ${parent} went away without stopping land (${now.why}): shutting the stack down`);
    void supervisor.shutdown(`parent process ${parent} went away`);
  });
}

/**
 * A second Ctrl-C (a signal, or the key in the UI) during the shutdown: every tree SIGKILLed now, exit 130. The UI's
 * terminal is given back first (raw mode off), so the last line starts on a line of its own.
 */
function killNow({ supervisor, plan }: Boot): never {
  supervisor.killAll();
  removePidRecord(plan.config.rootDir);
  try {
    if (process.stdin.isTTY && process.stdin.isRaw) process.stdin.setRawMode(false);
  } catch {
    // The terminal is gone.
  }
  tell('land: the shutdown was cut short: every tier killed (SIGKILL), exit 130');
  process.exit(FORCED_EXIT);
}

/** Whatever happens to land, its children go with it: exit, uncaught errors, and signals (a second one: at once). */
function installExitPaths(boot: Boot): void {
  const { plan, supervisor, control, receiver, guardian } = boot;
  const rootDir = plan.config.rootDir;
  // Step by step: one that throws (land out of file descriptors) must not keep the others from running.
  process.on('exit', () => {
    // killAll SIGKILLs every tree and the boot's marks: nothing is left for the guardian to do.
    everyStep(() => supervisor.killAll(), () => guardian.killNow(), () => control.removeSocketNow(), () => receiver?.store.flush());
  });
  const die = (error: unknown) => {
    process.stderr.write(`land: fatal: ${oneLine(error)}\n`);
    everyStep(() => supervisor.killAll(), () => control.removeSocketNow(), () => removePidRecord(rootDir));
    process.exit(1);
  };
  process.on('uncaughtException', die);
  process.on('unhandledRejection', die);
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals === 1) {
      if (!supervisor.shuttingDown) boot.how.signal = signal;
      // The shutdown's begin event starts telemetry's land.shutdown span (mountain listens to it).
      void supervisor.shutdown(`received ${signal}`);
      return;
    }
    killNow(boot);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, onSignal);
  installAttachment(boot, onSignal);
}

/**
 * The terminal is gone (EIO, a destroyed stream): for an attached land that is a hangup, whether or not SIGHUP
 * comes, so the stack stops gracefully; a detached land goes on without its display until `land down`.
 */
function onTerminalLost({ supervisor, attachment }: Boot): void {
  if (!attachment.detached) {
    void supervisor.shutdown('the terminal went away');
    return;
  }
  tell(`land: the terminal is gone; the stack keeps running without a display (logs in ${supervisor.logDir})`);
}

function bootLine({ plan, supervisor, telemetry }: Boot): string {
  return `land: boot ${supervisor.bootId} · profile ${plan.profile} · trace ${telemetry.traceId} · logs ${supervisor.logDir}\n`;
}

/** `land up --background`'s land: no printer (the children's lines are in their log files), its output kept bounded. */
async function runWithoutDisplay(boot: Boot, output: string, stopped: Promise<void>): Promise<'plain'> {
  // It holds the pid file: its output is the stack's now. The start-up is over: no child may inherit the channel.
  claimOutput(boot.plan.config.rootDir, output);
  closeFatalChannel();
  const stopBounding = boundOutput(boot.plan.config.rootDir);
  process.stdout.write(bootLine(boot));
  boot.supervisor.start();
  await stopped;
  stopBounding();
  return 'plain';
}

/** Shows the stack until it has stopped: the UI in a terminal, prefixed lines otherwise. Says which it was. */
async function showStack(boot: Boot, stopped: Promise<void>, useTui: boolean): Promise<'tui' | 'plain'> {
  const { supervisor } = boot;
  if (useTui && process.stdout.isTTY && process.stdin.isTTY) {
    const { runTui } = await (await import('../tui/load.js')).loadTui();
    supervisor.start();
    if ((await runTui(supervisor, { mode: 'up', onKillNow: () => killNow(boot) })) === 'quit') await supervisor.shutdown('quit from the UI');
    else onTerminalLost(boot);
    return 'tui';
  }
  const printer = createPrinter({
    out: process.stdout,
    color: useColor(process.stdout),
    names: supervisor.snapshot().tiers.map((tier) => tier.name),
    gate: supervisor.output,
  });
  supervisor.subscribe(printer.listener);
  const onTerminal = process.stdout.isTTY;
  onSinkLost(({ name, why }) => {
    if (name !== 'stdout') return;
    // A closed pipe, a lost terminal, a full disk: the printer lets go of the children's pipes and says no more.
    printer.stop();
    if (onTerminal) return onTerminalLost(boot);
    tell(`land: stdout failed (${why}): printing stopped; the stack keeps running (logs in ${supervisor.logDir}, \`land down\` stops it)`);
  });
  process.stdout.write(bootLine(boot));
  supervisor.start();
  await stopped;
  await printer.flush();
  return 'plain';
}

/**
 * land's exit code. With an ending tier (`ending`) and the stack stopped before it ended, never 0: CI must not pass a
 * run whose tests never finished. 128 + n when signal n stopped land (what a shell reports for a job it killed, and
 * docker compose's code on Ctrl-C), 1 for any other stop (`land down`, `q` in the UI, the parent or terminal gone).
 */
function stackCode(how: Ending, ending: string | undefined): number {
  if (how.end) return how.end.code;
  if (ending === undefined) return 0;
  const code = how.signal ? 128 + constants.signals[how.signal] : 1;
  tell(`land: exit ${code}: the stack stopped (${how.reason ?? 'stopped'}) before ${ending} ended`);
  return code;
}

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

/** The dashboard, if asked for: closed with the rest of the stack. */
type Dashboard = Awaited<ReturnType<typeof openDashboard>>;

/** What the shutdown's end said: what it left running, and the strays it named. */
interface Stopped {
  shown: 'tui' | 'plain';
  left: StillRunning[];
  strays: NamedStray[];
}

/** Opening: dashboard, telemetry, receiver, supervisor, control socket, pid record, exit paths. Nothing started yet. */
async function openStack(plan: BootPlan, options: StackOptions & DashboardFlags): Promise<{ boot: Boot; dashboard: Dashboard }> {
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
  installExitPaths(boot);
  // Once, to the person who started land (never into a log file or the recording), now that Ctrl-C is handled.
  if (dashboard) tellAccess(`land: dashboard on ${dashboard.loginUrl}`, `land: dashboard on ${new URL(dashboard.loginUrl).origin} (its login URL is not written to the journal: \`land dashboard\` prints it)`);
  return { boot, dashboard };
}

/** Running: the stack is started and shown until its shutdown has ended. */
async function runUntilStopped(boot: Boot, options: StackOptions): Promise<Stopped> {
  const { supervisor, plan } = boot;
  let left: StillRunning[] = [];
  let strays: NamedStray[] = [];
  const stopped = new Promise<void>((resolve) =>
    supervisor.subscribe((event) => {
      if (event.type !== 'shutdown' || event.phase !== 'end') return;
      left = event.left ?? [];
      strays = event.strays ?? [];
      boot.how.reason = event.reason;
      resolve();
    }),
  );
  void options.until?.(supervisor, plan).then((end) => {
    boot.how.end = typeof end === 'number' ? { code: end, reason: 'the tier ended' } : end;
    void supervisor.shutdown(boot.how.end.reason);
  });
  // land stays up until asked to stop, even when every tier has ended on its own.
  const keepAlive = setInterval(() => {}, 1 << 30);
  const shown = options.inBackground ? await runWithoutDisplay(boot, options.inBackground, stopped) : await showStack(boot, stopped, options.tui);
  await stopped;
  clearInterval(keepAlive);
  return { shown, left, strays };
}

/** Closing, once the stack has stopped: the pid record's last word, then control, dashboard, telemetry; the last lines. */
async function closeStack({ boot, dashboard }: { boot: Boot; dashboard: Dashboard }, { shown, left, strays }: Stopped, ending?: string): Promise<number> {
  const { plan, supervisor, control, telemetry, receiver, guardian } = boot;
  const rootDir = plan.config.rootDir;
  // The shutdown has swept the boot's marks: the guardian exits without reaping (land waits for it: no zombie).
  await guardian.dismiss();
  // For a `land down` that finds the socket closed while land is still exiting (src/cli/down.ts): what it left, and
  // the strays it named.
  if (left.length > 0 || strays.length > 0) {
    try {
      writePidRecord(rootDir, supervisor.bootId, { left, strays });
    } catch {
      // Best effort: such a land down then names nothing; land's own stderr still does.
    }
  }
  // Ends every follow stream and connection: nothing of the control server outlives the stack.
  await control.close();
  await dashboard?.close();
  await telemetry.shutdown();
  // After mountain's last spans (land.boot, land.shutdown) have reached the store.
  await receiver?.close();
  // After the last flush, so the counts are final.
  if (shown === 'plain') {
    tell(`land: ${describeTelemetry(telemetry.status())}`);
    if (receiver) tell(`land: ${describeReceiver(receiver.status())}`);
  }
  removePidRecord(rootDir);
  // The UI said why it stopped while it was up; once it is gone the terminal should still say it.
  if (shown === 'tui' && boot.how.end) tell(`land: stopped: ${boot.how.end.reason}`);
  const exitCode = stackCode(boot.how, ending);
  // Said last, where it is seen (after the UI is gone, after the counts); the design's promise was not kept.
  for (const line of [...describeStillRunning(left), ...describeStrays(strays)]) tell(`land: ${line}`);
  return left.length > 0 && exitCode === 0 ? EXIT_LEFT_BEHIND : exitCode;
}

/** A stack's life: opened, run until its shutdown has ended, closed; resolves with land's exit code. */
export async function runStack(plan: BootPlan, options: StackOptions & DashboardFlags): Promise<number> {
  const opened = await openStack(plan, options);
  const stopped = await runUntilStopped(opened.boot, options);
  return closeStack(opened, stopped, options.ending);
}
