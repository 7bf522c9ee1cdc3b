/** The `land` command line: parses arguments (commander) and hands each command to its module. */
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { InputError, oneLine } from '../errors.js';
import { sendFatal } from './background-channel.js';
import { stdoutVerdict, watchStdout } from './stdout-failure.js';
import { nameCommandErrors, oneLineCommanderError } from './commander-errors.js';
import { libraryVersion } from '../telemetry/version.js';
import type { AttachOptions, SendOptions } from './attach.js';
import type { LogsOptions } from './logs.js';
import type { ExportOptions } from './export.js';
import type { Engine as ExportEngine } from '../export/model.js';
import type { SpawnOptions } from './spawn.js';
import type { TraceOptions } from './trace.js';
import type { UpOptions } from './up.js';
import type { InitOptions } from './init.js';
import type { RunOptions } from './run.js';
import type { StartupOptions } from './startup.js';

type UpCliOptions = Pick<UpOptions, 'config' | 'procfile' | 'profile' | 'tui' | 'controlPort' | 'receiverPort' | 'dashboard' | 'dashboardPort' | 'detached' | 'formation' | 'exitWith' | 'background' | 'waitTimeout' | 'inBackground'>;

// Each command's module is imported when it runs: a quick client such as `land status` does not load telemetry.
const controlCommands = () => import('./control-commands.js');

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('expected a TCP port (0-65535)');
  return port;
}

/** The longest wait a timer takes (node's setTimeout: a 32-bit count of ms; beyond, it fires at once with a warning). */
const MAX_WAIT_MS = 2 ** 31 - 1;

/** `--wait-timeout <seconds>` → ms: at least 1 ms (less rounds to no wait), at most what a timer takes. */
function parseSeconds(value: string): number {
  const ms = Math.round(Number(value) * 1000);
  if (!/^\d+(\.\d+)?$/.test(value) || ms < 1 || ms > MAX_WAIT_MS) {
    throw new InvalidArgumentError(`expected a number of seconds from 0.001 to ${Math.floor(MAX_WAIT_MS / 1000)}`);
  }
  return ms;
}

function buildProgram(run: (action: () => Promise<number>) => void): Command {
  const program = new Command('land')
    .description('Boot a stack of sidecars from a build profile, supervise it, and trace the whole boot.')
    .version(libraryVersion(), '-v, --version')
    .exitOverride()
    // Options before the command name are land's, after it the command's (`land run`'s passThroughOptions needs it):
    // the program's own options are only --version and --help.
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .configureOutput({ outputError: (text, write) => write(oneLineCommanderError(text)) })
    .hook('preAction', (_program, command) => watchStdout(command.name(), command.opts()));
  const configOption = () => new Option('-c, --config <file>', 'config file (.ts, .mts, .js, .mjs)');
  // -f is overmind's and foreman's; `land logs` keeps -f for --follow (tail's, docker's) and takes the long form only.
  const procfileOption = (flags = '-f, --procfile <file>') =>
    new Option(flags, 'a Procfile to run, whatever its name (e.g. Procfile.dev)').conflicts('config');
  const profileOption = () => new Option('-p, --profile <name>', 'profile from profiles/<name>.env');

  const controlPortOption = () =>
    new Option('--control-port <port>', 'also serve the control API on 127.0.0.1:<port> behind a bearer token').argParser(parsePort);

  program
    .command('up')
    .description('boot the stack under a profile and supervise it until Ctrl-C')
    .argument('[tiers...]', 'only these tiers and what they depend on (a tier the profile gates off is started when named); none: the whole stack')
    .addOption(configOption())
    .addOption(procfileOption())
    .addOption(profileOption())
    .option('--no-tui', 'plain prefixed output even in a terminal')
    .addOption(controlPortOption())
    .addOption(new Option('--receiver-port <port>', "serve the OTLP receiver on 127.0.0.1:<port> (default: the config's receiver.port, else a free port)").argParser(parsePort))
    .addOption(
      // One serves the dashboard on a port, the other turns it off: refused together rather than one silently winning.
      new Option('--dashboard-port <port>', 'serve the browser dashboard on 127.0.0.1:<port> (default: a free port)').argParser(parsePort).conflicts('dashboard'),
    )
    .option('--no-dashboard', 'do not serve the browser dashboard')
    .option('--detached', 'keep the stack running when the terminal or the parent process goes away (stop it with `land down`)')
    .option('-d, --background', 'start the stack detached in the background and return once every tier is up (implies --detached)')
    .addOption(new Option('--wait-timeout <seconds>', 'with -d: how long to wait for the stack to be up (default: its readiness timeouts + 15 s)').argParser(parseSeconds))
    .addOption(new Option('--in-background <output>').hideHelp())
    .option('-m, --formation <counts>', 'with a Procfile: how many of each process type, e.g. web=2,worker=1 (foreman)')
    .option('--exit-with <tier>', "when that tier has ended for good, stop the stack and exit with the tier's code (CI)")
    .action((tiers: string[], options: UpCliOptions) =>
      run(async () => (await import('./up.js')).upCommand(tiers.length > 0 ? { ...options, only: tiers, withDeps: true } : options)),
    );

  // Clients of the running stack (src/control/exit-codes.ts).
  program.addHelpText(
    'after',
    '\nExit codes of status, spawn, start, stop, restart, scale, logs, attach, send, down, watch, dashboard: 0 done,\n' +
      '1 unexpected failure, 2 bad input or unknown tier, 3 no stack running here, 4 conflict (already running, not\n' +
      'running, gated off, shutting down, a tier not reading its stdin, or `land up` while a land already runs this\n' +
      'stack), 5 the stack did not answer within 5 s (stopped or hung), 6 a logs -f, attach or watch stream was cut off\n' +
      'before the stack stopped. `land up -d`: 8 the stack runs but is not up (a tier failed to start, or the wait ran\n' +
      'out); 129/130/143 the wait was interrupted.',
  );
  program
    .command('status')
    .description('what the running stack is doing: one row per tier (exit 3 when no stack runs)')
    .addOption(configOption())
    .addOption(procfileOption())
    .option('--json', 'the supervisor snapshot as JSON')
    .action((options: { config?: string; procfile?: string; json?: boolean }) => run(async () => (await controlCommands()).statusCommand(options)));

  program
    .command('spawn')
    .description('start one tier inside the running stack, or, with none running, run it alone in the foreground')
    .argument('<tier>', 'tier name')
    .addOption(configOption())
    .addOption(procfileOption())
    .addOption(profileOption())
    .option('--with-deps', 'also start what the tier depends on, first')
    .addOption(controlPortOption())
    .action((tier: string, options: SpawnOptions) => run(async () => (await import('./spawn.js')).spawnCommand(tier, options)));

  program
    .command('start')
    .description('start a tier of the running stack that is stopped, exited or failed (all its replicas)')
    .argument('<tier>', 'tier name (or one replica, e.g. api.2)')
    .addOption(configOption())
    .addOption(procfileOption())
    .action((tier: string, options: { config?: string; procfile?: string }) => run(async () => (await controlCommands()).startCommand(tier, options)));

  program
    .command('scale')
    .description('run <replicas> instances of a tier of the running stack (a tier that declares replicas)')
    .argument('<tier>', 'tier name')
    .argument('<replicas>', 'how many replicas (1..64)')
    .addOption(configOption())
    .addOption(procfileOption())
    .action((tier: string, replicas: string, options: { config?: string; procfile?: string }) =>
      run(async () => (await controlCommands()).scaleCommand(tier, replicas, options)),
    );

  program
    .command('stop')
    .description('stop one tier of the running stack')
    .argument('<tier>', 'tier name')
    .addOption(configOption())
    .addOption(procfileOption())
    .action((tier: string, options: { config?: string; procfile?: string }) => run(async () => (await controlCommands()).stopCommand(tier, options)));

  program
    .command('restart')
    .description('restart one tier of the running stack, or with --all every running tier in dependency order')
    .argument('[tier]', 'tier name')
    .option('--all', 'every running tier: dependents stopped first, then all started again as at boot, each once its dependencies are met')
    .addOption(configOption())
    .addOption(procfileOption())
    .action((tier: string | undefined, options: { config?: string; procfile?: string; all?: boolean }) =>
      run(async () => (await controlCommands()).restartCommand(tier, options)),
    );

  program
    .command('apply')
    .description("apply the edited config to the running stack: added tiers start, removed ones stop, changed ones restart with their new definition (in dependency order), the rest are left alone")
    .addOption(configOption())
    .addOption(procfileOption())
    .option('--dry-run', 'print the plan only; change nothing')
    .action((options: { config?: string; procfile?: string; dryRun?: boolean }) => run(async () => (await import('./apply.js')).applyCommand(options)));

  program
    .command('reload')
    .description("restart a tier's replicas one at a time, each ready before the next (PM2's reload); exit 8 when one is not ready")
    .argument('[tiers...]', 'tier names, reloaded one after the other (a tier without replicas: a restart)')
    .option('--all', 'every running tier, in dependency order')
    .addOption(configOption())
    .addOption(procfileOption())
    .action((tiers: string[], options: { config?: string; procfile?: string; all?: boolean }) =>
      run(async () => (await import('./reload.js')).reloadCommand(tiers, options)),
    );

  program
    .command('logs')
    .description("recent output of every tier (or of those named), interleaved and prefixed; one tier's as written; -f follows until Ctrl-C or the stack stops; with no stack, the last boot's log files")
    .argument('[tiers...]', 'tier names (a tier with replicas: all of them; one replica: web.2); none: every tier')
    .addOption(configOption())
    .addOption(procfileOption('--procfile <file>'))
    .option('-f, --follow', 'keep printing new lines (also of tiers started or replicas added later)')
    .option('-n, --lines <count>', 'only the last <count> lines of each tier')
    .option('--json', 'one JSON object per line: tier, stream, line, at (from log files: tier, boot, line)')
    .option('--boot <id>', "read that boot's log files (with no stack running, the last boot's are read)")
    .option('-t, --timestamps', "each line's arrival time before it (UTC, ISO 8601); a running stack's lines only")
    .option('--since <duration|time>', 'only lines that came since then: 90s, 10m, 1h30m, 2d, or a time such as 2026-12-07T07:00:00Z')
    .action((tiers: string[], options: LogsOptions) => run(async () => (await controlCommands()).logsCommand(tiers, options)));

  program
    .command('attach')
    .description("follow a tier's output and send it what you type, a line at a time (a tier with stdin: true); Ctrl-D at a line's start or Ctrl-C detaches, the tier runs on")
    .argument('<tier>', 'tier name (a tier with replicas: one replica, e.g. web.2)')
    .addOption(configOption())
    .addOption(procfileOption())
    .option('-n, --lines <count>', 'recent lines shown first (default 10)')
    .action((tier: string, options: AttachOptions) => run(async () => (await import('./attach.js')).attachCommand(tier, options)));

  program
    .command('send')
    .description("write a line to a tier's stdin (a tier with stdin: true), for scripts")
    .argument('<tier>', 'tier name (a tier with replicas: one replica, e.g. web.2)')
    .argument('<text...>', 'the words to send, joined by spaces, then a newline (text starting with - after --)')
    .addOption(configOption())
    .addOption(procfileOption())
    .option('--no-newline', 'send the text without the newline that ends it')
    .action((tier: string, text: string[], options: SendOptions) => run(async () => (await import('./attach.js')).sendCommand(tier, text, options)));

  program
    .command('down')
    .description('shut the running stack down and wait until it has stopped')
    .addOption(configOption())
    .addOption(procfileOption())
    .action((options: { config?: string; procfile?: string }) => run(async () => (await controlCommands()).downCommand(options)));

  program
    .command('watch')
    .description('the terminal UI on the running stack; quitting leaves the stack running')
    .addOption(configOption())
    .addOption(procfileOption())
    .action((options: { config?: string; procfile?: string }) => run(async () => (await import('./watch.js')).watchCommand(options)));

  program
    .command('dashboard')
    .description("the running stack's dashboard: print its login URL and open a browser where there is one")
    .addOption(configOption())
    .addOption(procfileOption())
    .option('--print', 'only print the URL')
    .action((options: { config?: string; procfile?: string; print?: boolean }) => run(async () => (await import('./dashboard.js')).dashboardCommand(options)));

  program
    .command('run')
    .description("run a command in the foreground with the environment a tier gets under the profile (foreman's run); exit with its code")
    .argument('[command...]', 'the command and its arguments (after `--`, or after land\'s options)')
    // Everything from the command's first word on is the command's: `land run node a.js --tier web` passes --tier on.
    .passThroughOptions()
    .addOption(configOption())
    .addOption(procfileOption())
    .addOption(profileOption())
    .option('-t, --tier <tier>', "that tier's environment (its env, inheritEnv, allowEnv, telemetryEnv); default: what every tier shares")
    .option('-m, --formation <counts>', "with a Procfile: how many of each process type, as for land up (default: the running stack's)")
    .action((command: string[], options: RunOptions) => run(async () => (await import('./run.js')).runCommand(command, options)));

  program
    .command('check')
    .description('validate the config, every profile and the env files without starting anything; list every problem (exit 2 if any)')
    .addOption(configOption())
    .addOption(procfileOption())
    .option('--json', 'the problems as JSON (for editors and CI)')
    .action((options: { config?: string; procfile?: string; json?: boolean }) => run(async () => (await import('./check.js')).checkCommand(options)));

  program
    .command('init')
    .description('write a land.config.ts from a process-compose.yaml, a PM2 ecosystem file or a Procfile (what cannot be mapped is said in comments), or a starter when there is none')
    .option('--from <file>', 'the file to convert (default: process-compose.yaml/.yml, ecosystem.config.js/.cjs/.mjs/.json, Procfile.dev or Procfile here)')
    .addOption(new Option('-f, --procfile <file>', 'a Procfile to convert, whatever its name').conflicts('from'))
    .option('-o, --output <file>', 'where to write, relative to the source file', 'land.config.ts')
    .option('--force', 'overwrite an existing config')
    .action((options: InitOptions) => run(async () => (await import('./init.js')).initCommand(options)));

  program
    .command('profiles')
    .description('each profile with the tiers it starts and the tiers it gates off')
    .addOption(configOption())
    .addOption(procfileOption())
    .option('--json', 'machine-readable output')
    .action((options: { config?: string; procfile?: string; json?: boolean }) => run(async () => (await import('./profiles.js')).profilesCommand(options)));

  program
    .command('trace')
    .description("draw a recorded boot's trace as a tree (default: the latest boot)")
    .argument('[boot-id]', 'boot id (a folder under .land/telemetry/)')
    .addOption(configOption())
    .addOption(procfileOption())
    .option('--trace <id>', 'draw this trace (an id or a unique prefix, e.g. one a tier started on its own)')
    .option('--tier <name>', "only this tier's spans (and the spans they hang from)")
    .option('--json', 'one JSON object per span: traceId, spanId, parentSpanId, name, tier, service, times, status, attributes')
    .action((bootId: string | undefined, options: TraceOptions) => run(async () => (await import('./trace.js')).traceCommand(bootId, options)));

  program
    .command('export')
    .description('write the stack under a profile as systemd units, a Compose file, Kubernetes objects or supervisord programs')
    .addArgument(new Argument('<engine>', 'systemd, compose, kubernetes or supervisord').choices(['systemd', 'compose', 'kubernetes', 'supervisord']))
    .addOption(configOption())
    .addOption(procfileOption())
    .addOption(profileOption())
    .option('-o, --out <dir>', 'output folder (default: .land/export/<engine> beside the config)')
    .option('--image <ref>', 'compose, kubernetes: the image holding the project at /app (default: <app>:<version>)')
    .option('--app <name>', "the stack's name in what is written, instead of its app (or folder's name): for a Procfile, which has no app")
    .action((engine: ExportEngine, options: ExportOptions) => run(async () => (await import('./export.js')).exportCommand(engine, options)));

  const startupFlags = () => [configOption(), procfileOption(), new Option('--app <name>', "name the unit land-<name>.service instead of land-<app>.service (with --remove: no config is read)"), new Option('--system', 'a system unit in /etc/systemd/system that runs as you (User=), instead of a user unit')];
  const startup = program
    .command('startup')
    .description('start the stack at boot: write a systemd unit that runs `land up --detached --no-tui` here, then enable and start it')
    .argument('[tiers...]', 'only these tiers and what they depend on, as land up <tiers>');
  for (const option of startupFlags()) startup.addOption(option);
  startup
    .addOption(profileOption())
    .option('-m, --formation <counts>', 'with a Procfile: how many of each process type, as for land up')
    .addOption(new Option('--receiver-port <port>', "land up's --receiver-port").argParser(parsePort))
    .addOption(new Option('--dashboard-port <port>', "land up's --dashboard-port").argParser(parsePort).conflicts('dashboard'))
    .option('--no-dashboard', "land up's --no-dashboard")
    .option('--no-enable', 'only write the unit, and print the commands that enable and start it')
    .addOption(new Option('--remove', 'stop, disable and delete the unit instead (as land unstartup)').conflicts(['profile', 'formation', 'receiverPort', 'dashboardPort', 'dashboard', 'enable']))
    .action((tiers: string[], options: StartupOptions) => run(async () => (await import('./startup.js')).startupCommand(tiers, options)));
  const unstartup = program.command('unstartup').description('stop, disable and delete the unit land startup wrote (as land startup --remove)');
  for (const option of startupFlags()) unstartup.addOption(option);
  unstartup.action((options: StartupOptions) => run(async () => (await import('./startup.js')).startupCommand([], { ...options, remove: true })));

  nameCommandErrors(program);
  return program;
}

/** Runs the CLI; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  let pending: Promise<number> | undefined;
  const program = buildProgram((action) => {
    pending = action();
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    if (!pending) {
      program.outputHelp();
      return 2;
    }
    return await stdoutVerdict(await pending);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      if (error.code === 'commander.help') return 0;
      return 2;
    }
    const details = error instanceof InputError ? error.details.map((detail) => `land: ${oneLine(detail)}\n`).join('') : '';
    const line = `land: ${oneLine(error)}\n`;
    process.stderr.write(line + details);
    sendFatal(line);
    return error instanceof InputError ? error.exitCode : 1;
  }
}
