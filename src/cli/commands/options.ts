/** The options and argument parsers several commands share, and the shape of a command's registration. */
import { type Command, InvalidArgumentError, Option } from 'commander';

/** Runs a command's action: main.ts awaits what it returns (the exit code). */
export type Run = (action: () => Promise<number>) => void;

/** Adds one command (or two that share a module) to the program. */
export type Register = (program: Command, run: Run) => void;

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('expected a TCP port (0-65535)');
  return port;
}

/** The longest wait a timer takes (node's setTimeout: a 32-bit count of ms; beyond, it fires at once with a warning). */
const MAX_WAIT_MS = 2 ** 31 - 1;

/** `--wait-timeout <seconds>` → ms: at least 1 ms (less rounds to no wait), at most what a timer takes. */
export function parseSeconds(value: string): number {
  const ms = Math.round(Number(value) * 1000);
  if (!/^\d+(\.\d+)?$/.test(value) || ms < 1 || ms > MAX_WAIT_MS) {
    throw new InvalidArgumentError(`expected a number of seconds from 0.001 to ${Math.floor(MAX_WAIT_MS / 1000)}`);
  }
  return ms;
}

export const configOption = () => new Option('-c, --config <file>', 'config file (.ts, .mts, .js, .mjs)');

// -f is overmind's and foreman's; `land logs` keeps -f for --follow (tail's, docker's) and takes the long form only.
export const procfileOption = (flags = '-f, --procfile <file>') =>
  new Option(flags, "the stack's Procfile, whatever its name (e.g. Procfile.dev), instead of land.config.*").conflicts('config');

export const profileOption = () => new Option('-p, --profile <name>', 'profile from profiles/<name>.env');

export const controlPortOption = () =>
  new Option('--control-port <port>', 'also serve the control API on 127.0.0.1:<port> behind a bearer token').argParser(parsePort);

/** `--config` and `--procfile`: how every command that reads the stack's config finds it. */
export function withConfig(command: Command, procfile = procfileOption()): Command {
  return command.addOption(configOption()).addOption(procfile);
}

/** The options of a command that only finds the stack (`--config`, `--procfile`). */
export interface ConfigOptions {
  config?: string;
  procfile?: string;
}
