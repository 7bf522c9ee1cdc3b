/**
 * commander's errors as land says them: one line, naming the command the flag was given to, and for the flags people
 * try for a version or more output (`-v`, `-V`, `--version`, `--verbose`) what land has instead, and for habits of
 * Compose and PM2 (`ps`, `ls`, `logs --tail`, `stop` alone) the land command that does it. `-v`/`--version` is
 * land's own option (before any command: `land -v`); land has no verbose flag.
 */
import type { Command } from 'commander';

const VERSION_FLAGS = new Set(['-v', '--version', '-V']);

/** What to say after `unknown option '<flag>'` (without the parentheses), if anything. */
function hintFor(flag: string, command: string | undefined): string | undefined {
  if (flag === '--verbose') return 'land has no verbose flag';
  if (!VERSION_FLAGS.has(flag)) return undefined;
  const version = `\`land ${flag === '--version' ? '--version' : '-v'}\` prints land's version`;
  return command !== undefined && flag === '-v' ? `land has no verbose flag; ${version}` : version;
}

/**
 * Names people bring from Compose and PM2, which land spells otherwise: said instead of commander's guess by
 * spelling (`ls` → `logs`). Hints rather than aliases: one name per command in the help, and `ls` is a list of
 * processes to PM2 but of projects to Compose.
 */
const COMMAND_HINTS: Record<string, string> = {
  ps: 'did you mean status? `land status` shows each tier, as `docker compose ps` does',
  ls: 'did you mean status? `land status` shows each tier, as `pm2 ls` does',
  list: 'did you mean status? `land status` shows each tier, as `pm2 list` does',
  monit: 'did you mean watch? `land watch` is the live terminal UI on the running stack, as `pm2 monit` is; `land status` a snapshot',
  top: 'did you mean watch? `land watch` is the live view of each tier; `land status` a snapshot',
  show: 'did you mean status? `land status <tier>` shows one tier, as `pm2 show` does',
  describe: 'did you mean status? `land status <tier>` shows one tier, as `pm2 describe` does',
  delete: 'did you mean stop or down? `land stop <tier>` stops a tier, `land down` the whole stack (land keeps no process list to delete from)',
  kill: 'did you mean down? `land down` stops the stack and everything land started, as `pm2 kill` does',
  save: 'did you mean startup? `land startup` starts the stack at boot, what `pm2 save` + `pm2 startup` do',
  exec: 'did you mean run? `land run -- <command>` runs a command with a tier\'s environment, as `docker compose exec` does in a service',
  env: "the environment land gives a tier: its detail in the dashboard (`land dashboard`, secrets masked), or `land run --tier <tier> -- env` prints it as a command started with it gets it, as `pm2 env` does",
};

/** PM2's `logs --err`/`--out`: land keeps each line's stream, said by `--json` (and filtered by the dashboard). */
const STREAM_HINT = (stream: 'stderr' | 'stdout') =>
  `\`land logs --json\` gives each line's stream: \`land logs api --json | jq -r 'select(.stream == "${stream}") | .line'\`; the dashboard's Logs page filters by stream`;

/** Options people bring from `docker compose logs` and PM2, by the command that got them. */
const OPTION_HINTS: Record<string, Record<string, string>> = {
  logs: {
    '--tail': 'did you mean -n? `land logs -n 5` gives the last 5 lines of each tier, as `docker compose logs --tail 5` does',
    '--err': STREAM_HINT('stderr'),
    '--stderr': STREAM_HINT('stderr'),
    '--out': STREAM_HINT('stdout'),
    '--stdout': STREAM_HINT('stdout'),
    '--grep': 'pipe it: `land logs api | grep x` (with -f too, `grep --line-buffered` to pass each line on at once)',
  },
  restart: {
    '--update-env': '`land apply` reads the config and env files again and restarts each tier whose environment changed; `land restart` keeps the environment the stack started with',
  },
  up: {
    '--scale': 'a tier runs several with `replicas: N` in its config, and `land scale <tier> <N>` changes that on the running stack; with a Procfile, `land up -m web=2`',
    '--wait': '`land up -d` returns once every tier is up (exit 8 when one is not), as `docker compose up -d --wait` does',
  },
};

/** What a missing argument may mean, by the command that missed it. */
const ARGUMENT_HINTS: Record<string, string> = {
  stop: '`land down` stops the whole stack, as `docker compose stop` does',
};

/** The hint of a known habit in commander's line (replacing its own guess), or the line as it was. */
function withHabitHint(line: string, command: string | undefined): string {
  const unknownCommand = /unknown command '([^']+)'/.exec(line)?.[1];
  // commander may have added its guess by spelling (`--out`: did you mean --boot?), which the hint replaces.
  const optionName = /unknown option '([^'=]+)(?:=[^']*)?'(?: \(did you mean [^)]*\?\))?$/.exec(line)?.[1];
  const hint =
    (unknownCommand !== undefined && command === undefined ? COMMAND_HINTS[unknownCommand] : undefined) ??
    (optionName !== undefined && command !== undefined ? OPTION_HINTS[command]?.[optionName] : undefined) ??
    (/missing required argument/.test(line) && command !== undefined ? ARGUMENT_HINTS[command] : undefined);
  return hint === undefined ? line : `${line.replace(/ \(did you mean [^)]*\?\)$/, '')} (${hint})`;
}

/** commander's message on one line: `land: up: unknown option '--profil' (did you mean --profile?)`. */
export function oneLineCommanderError(text: string, command?: string): string {
  const line = withHabitHint(
    text
      .replace(/^error: /, `land: ${command === undefined ? '' : `${command}: `}`)
      .replace(/\s*\n\(Did you mean (.*)\?\)/, ' (did you mean $1?)')
      .trimEnd(),
    command,
  );
  const flag = /unknown option '([^']+)'$/.exec(line)?.[1];
  const hint = flag === undefined ? undefined : hintFor(flag, command);
  return `${hint === undefined ? line : `${line} (${hint})`}\n`;
}

/** Each command (and its own commands) says its errors with its name. */
export function nameCommandErrors(program: Command): void {
  const walk = (command: Command, path: string[]) => {
    for (const sub of command.commands) {
      const name = [...path, sub.name()];
      sub.configureOutput({ outputError: (text, write) => write(oneLineCommanderError(text, name.join(' '))) });
      walk(sub, name);
    }
  };
  walk(program, []);
}
