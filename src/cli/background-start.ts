/**
 * `land up --background`, the fork: the same land, started again as `land up --detached --no-tui` in a session of
 * its own (a terminal's Ctrl-C and hangup do not reach it), stdin on /dev/null, stdout and stderr on its output file
 * (background-output.ts). The foreground then waits until its control socket answers, or until it exits (a port it
 * could not have, a land that started meanwhile): then its error line and code are relayed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { constants } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { streamLines, NoStackError, type LineStream } from '../control/client.js';
import { socketPath } from '../control/paths.js';
import { openOutput, spawnOutputName } from './background-output.js';
import { CHANNEL_FD, channelLines } from './background-channel.js';
import type { UpOptions } from './up.js';
import { withoutLandMarks } from './outer-marks.js';

/** The options the background land is started with: what `land up` would have used, detached, without a display. */
export function backgroundArgs(options: UpOptions, output: string): string[] {
  const args = ['up', '--detached', '--no-tui', '--in-background', output];
  const add = (flag: string, value: string | number | undefined) => {
    if (value !== undefined) args.push(flag, String(value));
  };
  add('--config', options.config);
  add('--procfile', options.procfile);
  add('--profile', options.profile);
  add('--control-port', options.controlPort);
  add('--receiver-port', options.receiverPort);
  add('--dashboard-port', options.dashboardPort);
  add('--formation', options.formation);
  if (options.dashboard === false) args.push('--no-dashboard');
  if (options.watchConfig) args.push('--watch-config');
  // `land up -d web worker`: the same tiers (after `--`, so that none is read as an option).
  if (options.only) args.push('--', ...options.only);
  return args;
}

/** The background land's environment: the caller's, without another land's marks (outer-marks.ts). */
export const backgroundEnv = withoutLandMarks;

export interface BackgroundLand {
  child: ChildProcess;
  /** Its output file's name in .land/run until it holds the pid file (then `background.log`). */
  output: string;
  /** Its exit code (128 + n for signal n) once it has exited. */
  exited: Promise<number>;
  /** The signal that ended it, if one did (known once `exited` has resolved). */
  signal?: NodeJS.Signals;
  /** What it sent on the channel before it exited: its fatal line (background-channel.ts). */
  fatal: string[];
  /** The warnings of its start-up it sent so far (background-channel.ts). */
  warnings(): string[];
  /** The dashboard and control API lines it sent (their tokens are in no file): printed as the command returns. */
  access(): string[];
  /** Once the channel is closed (before its first tier starts, or at its exit): nothing more will come. */
  channelClosed: Promise<void>;
}

/** A shell's code for a process a signal ended: 128 + n. */
export function signalCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

export function startBackgroundLand(rootDir: string, options: UpOptions): BackgroundLand {
  const name = spawnOutputName();
  const output = openOutput(rootDir, name);
  try {
    const child = spawn(process.execPath, [process.argv[1]!, ...backgroundArgs(options, name)], {
      cwd: process.cwd(),
      env: backgroundEnv(),
      detached: true,
      stdio: ['ignore', output, output, 'pipe'],
    });
    let text = '';
    const channel = child.stdio[CHANNEL_FD] as Readable | null;
    channel?.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('error', () => undefined);
    const closed = channel ? new Promise<void>((resolve) => channel.once('close', resolve)) : Promise.resolve();
    const land: BackgroundLand = {
      child,
      output: name,
      exited: Promise.resolve(0),
      fatal: [],
      warnings: () => channelLines(text, 'warning'),
      access: () => channelLines(text, 'access'),
      channelClosed: closed,
    };
    land.exited = new Promise<number>((resolve) => {
      child.once('exit', (code, signal) => {
        land.signal = signal ?? undefined;
        // The channel's last bytes come before its close, which may follow the exit: bounded, it may be held by none.
        void Promise.race([closed, sleep(500)]).then(() => {
          land.fatal = channelLines(text, 'fatal').filter((line) => line.startsWith('land: '));
          resolve(code ?? signalCode(signal ?? 'SIGKILL'));
        });
      });
      // A spawn that fails (no node binary any more: ENOENT) emits 'error' and never 'exit': an exit of 1 for the
      // caller to say, not a wait that never ends.
      child.once('error', () => resolve(1));
    });
    return land;
  } finally {
    closeSync(output);
  }
}

/**
 * The background land's events stream, once its socket answers; undefined when it exited first or `over()` says the
 * wait has ended. Until then the socket is tried every 50 ms.
 */
export async function connectWhenListening(
  rootDir: string,
  land: BackgroundLand,
  onLine: (line: string) => void,
  over: () => boolean,
): Promise<LineStream | undefined> {
  const socket = socketPath(rootDir);
  let exited = false;
  void land.exited.then(() => (exited = true));
  while (!exited && !over()) {
    try {
      return await streamLines(socket, '/events', onLine);
    } catch (error) {
      if (!(error instanceof NoStackError)) throw error;
    }
    await Promise.race([sleep(50), land.exited]);
  }
  return undefined;
}
