/** The log pane of one tier: a title saying whether it follows the newest lines, then a window of its buffer. */
import { Box, Text } from 'ink';
import { rule } from '../format.js';
import type { PaneWindow } from '../log-buffer.js';

interface Props {
  tier: string;
  window: PaneWindow;
  follow: boolean;
  focused: boolean;
  width: number;
}

export function LogPane({ tier, window, follow, focused, width }: Props) {
  const where = follow
    ? 'following (newest lines)'
    : `paused · ${window.below} newer line${window.below === 1 ? '' : 's'} · f to follow`;
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end" bold={focused} dimColor={!focused}>
        {rule(`── ${tier} logs · ${where} ${focused ? '' : '· Tab to scroll '}`, width)}
      </Text>
      {window.lines.length === 0 && <Text dimColor>(no output yet)</Text>}
      {window.lines.map((entry, index) => (
        <Text key={window.top + index} wrap="truncate-end" color={entry.stream === 'stderr' ? 'yellow' : undefined}>
          {entry.line === '' ? ' ' : entry.line}
        </Text>
      ))}
    </Box>
  );
}
