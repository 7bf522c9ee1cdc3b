/**
 * `land completion bash|zsh|fish`: the script, made from the commands (commands.ts). Tier names are asked of the
 * running stack when completed (`land completion --names`: nothing when none runs), so the script stays right while
 * tiers come and go, and a shell's start-up runs no land.
 */
import type { CompletedCommand } from './commands.js';

const GLOBAL_FLAGS = ['--help', '--version', '-v'];
const SHELLS = ['bash', 'zsh', 'fish'];

/** A word list as a shell single-quoted string ('…'). Flags and command names hold no quote. */
const words = (list: readonly string[]) => list.join(' ');

/** bash (and zsh through bashcompinit): a case per command for its options, tiers for the commands that take them. */
export function bashScript(commands: readonly CompletedCommand[]): string {
  const optionCases = commands.map((command) => `    ${command.name}) opts='${words(command.flags)}' ;;`).join('\n');
  const tierCommands = commands.filter((command) => command.tiers).map((command) => command.name).join('|');
  return `# land completion for bash: \`source <(land completion bash)\`, or save it in ~/.local/share/bash-completion/completions/land
_land() {
  local cur=\${COMP_WORDS[COMP_CWORD]} cmd=\${COMP_WORDS[1]} opts
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W '${words([...commands.map((command) => command.name), ...GLOBAL_FLAGS])}' -- "$cur"))
    return
  fi
  if [[ $cur == -* ]]; then
    case $cmd in
${optionCases}
    esac
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    return
  fi
  case $cmd in
    ${tierCommands}) COMPREPLY=($(compgen -W "$(command land completion --names 2>/dev/null)" -- "$cur")) ;;
    completion) COMPREPLY=($(compgen -W '${words(SHELLS)}' -- "$cur")) ;;
  esac
}
complete -o default -F _land land
`;
}

/** zsh: the bash script through zsh's bashcompinit, which runs bash completion functions. */
export function zshScript(commands: readonly CompletedCommand[]): string {
  return `# land completion for zsh: \`source <(land completion zsh)\` in ~/.zshrc (after compinit)
autoload -U +X bashcompinit && bashcompinit
${bashScript(commands).split('\n').slice(1).join('\n')}`;
}

const fishQuote = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** fish: a line per command and per option, tiers from the running stack. */
export function fishScript(commands: readonly CompletedCommand[]): string {
  const lines = ['# land completion for fish: `land completion fish > ~/.config/fish/completions/land.fish`', 'complete -c land -f'];
  for (const command of commands) {
    lines.push(`complete -c land -n __fish_use_subcommand -a ${command.name} -d ${fishQuote(command.description.slice(0, 60))}`);
    const when = `-n '__fish_seen_subcommand_from ${command.name}'`;
    for (const flag of command.flags) lines.push(`complete -c land ${when} ${flag.startsWith('--') ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`}`);
    if (command.tiers) lines.push(`complete -c land ${when} -a '(land completion --names 2>/dev/null)'`);
  }
  lines.push(`complete -c land -n '__fish_seen_subcommand_from completion' -a '${words(SHELLS)}'`);
  return `${lines.join('\n')}\n`;
}

export const COMPLETION_SHELLS = SHELLS;
