/**
 * `land completion bash|zsh|fish`: the script, made from the commands (commands.ts). Command names and options are
 * written into it; what fits an argument or an option's value is asked of land at the Tab (`land completion
 * --complete -- <words…>`, position.ts): tier names where a command takes them (from the running stack, or the config
 * for `land up`), profile names after `--profile`, file names after `-c`, each from the stack a `-c` on the line
 * names. So the script stays right while tiers come and go, and a shell's start-up runs no land.
 */
import type { CompletedCommand } from './commands.js';

const GLOBAL_FLAGS = ['--help', '--version', '-v'];

/** A word list for a single-quoted shell string. Flags and command names hold no quote. */
const words = (list: readonly string[]) => list.join(' ');

/**
 * bash (and zsh through bashcompinit): commands and each command's options from the script; the rest from land,
 * whose `:files` / `:dirs` answer asks for the shell's own file names.
 */
export function bashScript(commands: readonly CompletedCommand[]): string {
  const optionCases = commands.map((command) => `    ${command.name}) opts='${words(command.flags)}' ;;`).join('\n');
  return `# land completion for bash: \`source <(land completion bash)\`, or save it in ~/.local/share/bash-completion/completions/land
_land() {
  local cur=\${COMP_WORDS[COMP_CWORD]} cmd=\${COMP_WORDS[1]} opts fits
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
  fits=$(command land completion --complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
  # bash splits \`--config=x\` at the \`=\`: the value is what follows it.
  [ "$cur" = = ] && cur=
  case $fits in
    :files) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")) ;;
    :dirs) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")) ;;
    *) COMPREPLY=($(compgen -W "$fits" -- "$cur")) ;;
  esac
}
complete -F _land land
`;
}

/** zsh: the bash script through zsh's bashcompinit, which runs bash completion functions. */
export function zshScript(commands: readonly CompletedCommand[]): string {
  return `# land completion for zsh: \`source <(land completion zsh)\` in ~/.zshrc (after compinit)
autoload -U +X bashcompinit && bashcompinit
${bashScript(commands).split('\n').slice(1).join('\n')}`;
}

const fishQuote = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** fish: a line per command and per option; what fits an argument or a value from land, as for bash. */
export function fishScript(commands: readonly CompletedCommand[]): string {
  const lines = [
    '# land completion for fish: `land completion fish > ~/.config/fish/completions/land.fish`',
    'function __land_fits',
    '    set -l line (commandline -opc)',
    '    set -l current (commandline -ct)',
    '    set -l fits (command land completion --complete -- $line[2..-1] "$current" 2>/dev/null)',
    '    switch "$fits"',
    '        case :files',
    '            __fish_complete_path "$current"',
    '        case :dirs',
    '            __fish_complete_directories "$current"',
    '        case \'*\'',
    '            printf \'%s\\n\' $fits',
    '    end',
    'end',
    'complete -c land -f',
  ];
  for (const command of commands) {
    lines.push(`complete -c land -n __fish_use_subcommand -a ${command.name} -d ${fishQuote(command.description.slice(0, 60))}`);
    const when = `-n '__fish_seen_subcommand_from ${command.name}'`;
    for (const flag of command.flags) lines.push(`complete -c land ${when} ${flag.startsWith('--') ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`}`);
  }
  lines.push("complete -c land -n 'not __fish_use_subcommand' -a '(__land_fits)'");
  return `${lines.join('\n')}\n`;
}
