/** The key reference shown by `?` in place of the log pane. */
import { Box, Text } from 'ink';
import { rule } from '../../text/cut.js';

export const HELP_LINES: ReadonlyArray<readonly [string, string]> = [
  ['↑/↓  j/k', 'select a tier (↑/↓ scroll the log pane while it has focus)'],
  ['Enter', "open the selected tier's log pane; again to close it"],
  ['Tab', 'move focus between the tier list and the log pane'],
  ['PgUp/PgDn', 'scroll the log pane a page; Home: oldest line'],
  ['f  End', 'follow the newest log lines again'],
  ['a', "every tier's output merged in one pane, each line prefixed with its tier"],
  ['/  n  N', 'search the log pane (Enter: newest match); n older match, N newer'],
  ['&', 'filter the log pane to lines containing a text (empty: every line)'],
  ['r', 'restart the selected tier'],
  ['l', 'reload the selected tier: its replicas one at a time (land reload)'],
  ['R', 'restart every running tier, in dependency order'],
  ['+  -', 'one replica more or fewer of the selected tier (a tier with replicas)'],
  ['s', 'stop the selected tier if it runs, start it if it ended'],
  ['q  Ctrl-C', 'quit'],
  ['Ctrl-Z', 'suspend land, its tiers running on (fg brings the UI back)'],
  ['?', 'this help; any key closes it'],
  ['Esc', 'log pane: give ↑/↓ back to the list, then close the pane'],
];

/** What `q` does from here: with the help open it only closes the help (key-handler.ts), so the line says both. */
function closingLine(mode: 'up' | 'watch'): string {
  const then = mode === 'up' ? 'q stops the whole stack gracefully' : 'q detaches; the stack keeps running (land down stops it)';
  return `any key (q too) closes this help; then ${then}`;
}

export function Help({ lines, width, mode }: { lines: number; width: number; mode: 'up' | 'watch' }) {
  const keys = HELP_LINES.map(([key, what]) => `${key.padEnd(11)} ${what}`);
  const room = Math.max(1, lines);
  // A short terminal: the keys that fit, a line saying how many more, and the closing line, which always shows.
  const cut = keys.length + 1 > room;
  const shown = cut ? keys.slice(0, Math.max(0, room - 2)) : keys;
  const more = `… ${keys.length - shown.length} more (a taller terminal shows every key)`;
  const rows = [...shown, ...(cut && room > 1 ? [more] : []), closingLine(mode)];
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end" bold>
        {rule('── keys ', width)}
      </Text>
      {rows.map((row) => (
        <Text key={row} wrap="truncate-end" dimColor={row === more}>
          {row}
        </Text>
      ))}
    </Box>
  );
}
