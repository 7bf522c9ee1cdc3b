/**
 * The log pane: one tier's output, or every tier's merged (each line prefixed with its tier, in the tier's colour).
 * Its title says what it shows, the filter, and whether it follows the newest lines; search matches are marked.
 */
import { Box, Text } from 'ink';
import { rule } from '../../text/cut.js';
import type { PaneWindow } from '../log-buffer.js';
import { splitMatches } from '../log-search.js';

/** Tier colours in the merged view (by the tier's position in the table). */
export const TIER_PALETTE = ['cyan', 'magenta', 'green', 'blue', 'yellow', 'redBright', 'cyanBright', 'magentaBright'];

interface Props {
  /** A tier's name, or undefined for the merged view of every tier. */
  tier?: string;
  window: PaneWindow;
  follow: boolean;
  focused: boolean;
  width: number;
  filter?: { text: string; shown: number; total: number };
  search?: { query: string; current?: number };
  /** Merged view: each tier's colour and the width of the name column. */
  colorOf?: (tier: string) => string;
  nameWidth?: number;
}

function title({ tier, window, follow, focused, filter }: Props): string {
  const what = tier === undefined ? 'all tiers' : `${tier} logs`;
  const filtered = filter && filter.text !== '' ? ` · filter "${filter.text}" (${filter.shown} of ${filter.total})` : '';
  const where = follow
    ? 'following (newest lines)'
    : `paused · ${window.below} newer line${window.below === 1 ? '' : 's'} · f to follow`;
  return `── ${what}${filtered} · ${where} ${focused ? '' : '· Tab to scroll '}`;
}

export function LogPane(props: Props) {
  const { window, focused, width, search, colorOf, nameWidth = 0 } = props;
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end" bold={focused} dimColor={!focused}>
        {rule(title(props), width)}
      </Text>
      {window.lines.length === 0 && <Text dimColor>{props.filter?.text ? '(no line matches the filter)' : '(no output yet)'}</Text>}
      {window.lines.map((entry, index) => {
        const seq = window.top + index;
        const current = search?.current === seq;
        return (
          <Text key={seq} wrap="truncate-end" bold={current} color={entry.stream === 'stderr' ? 'yellow' : undefined}>
            {entry.tier !== undefined && <Text color={colorOf?.(entry.tier)}>{`${entry.tier.padEnd(nameWidth)} │ `}</Text>}
            {entry.line === ''
              ? ' '
              : splitMatches(entry.line, search?.query ?? '').map((part, at) =>
                  part.match ? (
                    <Text key={at} inverse>
                      {part.text}
                    </Text>
                  ) : (
                    part.text
                  ),
                )}
          </Text>
        );
      })}
    </Box>
  );
}
