/** The key hints for the current focus, and the status line for messages. */
import { Box, Text } from 'ink';
import { memo } from 'react';

export type StatusKind = 'info' | 'error';

export interface Status {
  text: string;
  kind: StatusKind;
}

// Within 80 columns: j/k and `a` are in the help (`?`), which lists every key.
const LIST_KEYS = '↑↓ select · Enter logs · r restart · l reload · s start/stop · ? help · q quit';
const PANE_KEYS = '↑↓ PgUp/PgDn scroll · f follow · / search · n/N · & filter · Tab list · q quit';
// With the help open every key, q too, only closes it (key-handler.ts).
const HELP_KEYS = 'any key (q too) closes the help · Ctrl-C quit';

export const Footer = memo(function Footer({ status, paneFocused, help = false, width }: { status: Status | null; paneFocused: boolean; help?: boolean; width: number }) {
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end" dimColor>
        {help ? HELP_KEYS : paneFocused ? PANE_KEYS : LIST_KEYS}
      </Text>
      <Text wrap="truncate-end" color={status?.kind === 'error' ? 'red' : undefined}>
        {status ? status.text : ' '}
      </Text>
    </Box>
  );
});
