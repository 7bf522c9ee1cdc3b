/** The commands that show the running stack or talk to a tier: logs, attach, send, watch, dashboard. */
import { type ConfigOptions, procfileOption, type Register, withConfig } from './options.js';
import type { AttachOptions, SendOptions } from '../attach.js';
import type { LogsOptions } from '../logs.js';

export const registerLogs: Register = (program, run) => {
  const logs = program
    .command('logs')
    .description("recent output of every tier (or of those named), interleaved and prefixed; one tier's as written; -f follows until Ctrl-C or the stack stops; with no stack, the last boot's log files")
    .argument('[tiers...]', 'tier names (a tier with replicas: all of them; one replica: web.2); none: every tier');
  withConfig(logs, procfileOption('--procfile <file>'))
    .option('-f, --follow', 'keep printing new lines (also of tiers started or replicas added later)')
    .option('-n, --lines <count>', 'only the last <count> lines of each tier')
    .option('--json', 'one JSON object per line: tier, stream, line, at (from log files: tier, boot, line)')
    .option('--boot <id>', "read that boot's log files (with no stack running, the last boot's are read)")
    .option('-t, --timestamps', "each line's arrival time before it (UTC, ISO 8601); a running stack's lines only")
    .option('--since <duration|time>', 'only lines that came since then: 90s, 10m, 1h30m, 2d, or a time such as 2026-12-07T07:00:00Z')
    .action((tiers: string[], options: LogsOptions) => run(async () => (await import('../control-commands.js')).logsCommand(tiers, options)));
};

export const registerAttach: Register = (program, run) => {
  const attach = program
    .command('attach')
    .description("follow a tier's output and send it what you type, a line at a time (a tier with stdin: true); Ctrl-D at a line's start or Ctrl-C detaches, the tier runs on; Ctrl-] then c (Enter) interrupts the tier, Ctrl-] then d (Enter) closes its stdin")
    .argument('<tier>', 'tier name (a tier with replicas: one replica, e.g. web.2)');
  withConfig(attach)
    .option('-n, --lines <count>', 'recent lines shown first (default 10)')
    .action((tier: string, options: AttachOptions) => run(async () => (await import('../attach.js')).attachCommand(tier, options)));
};

export const registerSend: Register = (program, run) => {
  const send = program
    .command('send')
    .description("write a line to a tier's stdin (a tier with stdin: true), for scripts; --eof closes its stdin, --interrupt sends it SIGINT")
    .argument('<tier>', 'tier name (a tier with replicas: one replica, e.g. web.2)')
    .argument('[text...]', 'the words to send, joined by spaces, then a newline (text starting with - after --)');
  withConfig(send)
    .option('--no-newline', 'send the text without the newline that ends it')
    .option('--eof', "then close the tier's stdin: it reads the end of its input (Ctrl-D's meaning); it gets a new stdin when it starts again")
    .option('--interrupt', 'then send the tier SIGINT, as Ctrl-C in its own terminal would (its process group)')
    .action((tier: string, text: string[], options: SendOptions) => run(async () => (await import('../attach.js')).sendCommand(tier, text, options)));
};

export const registerWatch: Register = (program, run) => {
  withConfig(program.command('watch').description('the terminal UI on the running stack; quitting leaves the stack running')).action((options: ConfigOptions) =>
    run(async () => (await import('../watch.js')).watchCommand(options)),
  );
};

export const registerDashboard: Register = (program, run) => {
  const dashboard = program.command('dashboard').description("the running stack's dashboard: print its login URL and open a browser where there is one");
  withConfig(dashboard)
    .option('--print', 'only print the URL')
    .action((options: ConfigOptions & { print?: boolean }) => run(async () => (await import('../dashboard.js')).dashboardCommand(options)));
};
