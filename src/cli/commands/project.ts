/** The commands that read the project without a running stack: run, check, init, profiles, trace, export. */
import { Argument, Option } from 'commander';
import { type ConfigOptions, profileOption, type Register, withConfig } from './options.js';
import type { ExportOptions } from '../export.js';
import type { Engine as ExportEngine } from '../../export/model.js';
import type { InitOptions } from '../init.js';
import type { RunOptions } from '../run.js';
import type { TraceOptions } from '../trace.js';
import { DRAWN_SPANS, LISTED_TRACES } from '../../telemetry/trace-limits.js';

export const registerRun: Register = (program, run) => {
  const command = program
    .command('run')
    .description("run a command in the foreground with the environment a tier gets under the profile (foreman's run); exit with its code")
    .argument('[command...]', 'the command and its arguments (after `--`, or after land\'s options)')
    // Everything from the command's first word on is the command's: `land run node a.js --tier web` passes --tier on.
    .passThroughOptions();
  withConfig(command)
    .addOption(profileOption())
    .option('-t, --tier <tier>', "that tier's environment (its env, inheritEnv, allowEnv, telemetryEnv); default: what every tier shares")
    .option('-m, --formation <counts>', "with a Procfile: how many of each process type, as for land up (default: the running stack's)")
    .action((words: string[], options: RunOptions) => run(async () => (await import('../run.js')).runCommand(words, options)));
};

export const registerCheck: Register = (program, run) => {
  const check = program
    .command('check')
    .description('validate the config, every profile and the env files without starting anything; list every problem (exit 2 if any)');
  withConfig(check)
    .option('--json', 'the problems as JSON (for editors and CI)')
    .action((options: ConfigOptions & { json?: boolean }) => run(async () => (await import('../check.js')).checkCommand(options)));
};

export const registerInit: Register = (program, run) => {
  program
    .command('init')
    .description('write a land.config.ts from a process-compose.yaml, a PM2 ecosystem file or a Procfile (what cannot be mapped is said in comments), or a starter when there is none')
    .option('--from <file>', 'the file to convert (default: process-compose.yaml/.yml, ecosystem.config.js/.cjs/.mjs/.json, Procfile.dev or Procfile here)')
    .addOption(new Option('-f, --procfile <file>', 'a Procfile to convert, whatever its name').conflicts('from'))
    .option('-o, --output <file>', 'where to write, relative to the source file', 'land.config.ts')
    .option('--force', 'overwrite an existing config')
    .action((options: InitOptions) => run(async () => (await import('../init.js')).initCommand(options)));
};

export const registerProfiles: Register = (program, run) => {
  withConfig(program.command('profiles').description('each profile with the tiers it starts and the tiers it gates off'))
    .option('--json', 'machine-readable output')
    .action((options: ConfigOptions & { json?: boolean }) => run(async () => (await import('../profiles.js')).profilesCommand(options)));
};

export const registerTrace: Register = (program, run) => {
  const trace = program
    .command('trace')
    .description("draw a recorded boot's trace as a tree (default: the latest boot)")
    .argument('[boot-id]', 'boot id (a folder under .land/telemetry/)');
  withConfig(trace)
    .option('--trace <id>', 'draw this trace (an id or a unique prefix, e.g. one a tier started on its own)')
    .option('--tier <name>', "only this tier's spans (and the spans they hang from)")
    .option('--all', `draw every span and list every trace (default: the first ${DRAWN_SPANS} spans of the tree, each tier's newest ${LISTED_TRACES} traces)`)
    .option('--json', 'one JSON object per span: traceId, spanId, parentSpanId, name, tier, service, times, status, attributes')
    .action((bootId: string | undefined, options: TraceOptions) => run(async () => (await import('../trace.js')).traceCommand(bootId, options)));
};

export const registerExport: Register = (program, run) => {
  const command = program
    .command('export')
    .description('write the stack under a profile as systemd units, a Compose file, Kubernetes objects or supervisord programs')
    .addArgument(new Argument('<engine>', 'systemd, compose, kubernetes or supervisord').choices(['systemd', 'compose', 'kubernetes', 'supervisord']));
  withConfig(command)
    .addOption(profileOption())
    .option('-m, --formation <counts>', 'with a Procfile: how many of each process type, as for land up (foreman export -m)')
    .option('-o, --out <dir>', 'output folder (default: .land/export/<engine> beside the config)')
    .option('--image <ref>', 'compose, kubernetes: the image holding the project at /app (default: <app>:<version>)')
    .option('--app <name>', "the stack's name in what is written, instead of its app (or folder's name): for a Procfile, which has no app")
    .action((engine: ExportEngine, options: ExportOptions) => run(async () => (await import('../export.js')).exportCommand(engine, options)));
};
