/** The tier table: one row per tier in snapshot (dependency) order, a window of it when the screen is short. */
import { Box, Text } from 'ink';
import type { TierSnapshot } from '../../supervisor/types.js';
import { fit } from '../format.js';
import { MARKER_WIDTH, type Column, windowStart } from '../layout.js';
import { STATE_COLOR, tierCells, type TierCells } from '../tier-view.js';
import type { UsageByPid } from '../usage.js';

interface Props {
  tiers: TierSnapshot[];
  columns: Column[];
  selected: number;
  visibleRows: number;
  now: number;
  usage: UsageByPid;
  width: number;
}

function cell(text: string, column: Column): string {
  const cut = fit(text, column.width);
  return column.align === 'right' ? cut.trimEnd().padStart(column.width) : cut;
}

function Row({ cells, columns, selected }: { cells: TierCells; columns: Column[]; selected: boolean }) {
  const dim = cells.state === 'disabled';
  return (
    <Text wrap="truncate-end" dimColor={dim}>
      {selected ? '› ' : '  '}
      {columns.map((column, index) => {
        const text = cell(cells[column.key], column);
        const gap = index < columns.length - 1 ? ' ' : '';
        if (column.key === 'state') {
          return (
            <Text key={column.key} color={STATE_COLOR[cells.state]} bold={cells.state === 'failed'}>
              {text}
              {gap}
            </Text>
          );
        }
        if (column.key === 'name') {
          return (
            <Text key={column.key} bold={selected} inverse={selected}>
              {text}
              {gap}
            </Text>
          );
        }
        return (
          <Text key={column.key}>
            {text}
            {gap}
          </Text>
        );
      })}
    </Text>
  );
}

export function TierTable({ tiers, columns, selected, visibleRows, now, usage, width }: Props) {
  const first = windowStart(selected, visibleRows, tiers.length);
  const shown = tiers.slice(first, first + visibleRows);
  const titles = columns.map((column) => cell(column.title, column)).join(' ');
  const hidden = tiers.length - shown.length;
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end" dimColor>
        {' '.repeat(MARKER_WIDTH)}
        {titles.trimEnd()}
        {hidden > 0 ? `  ${first + 1}–${first + shown.length} of ${tiers.length}` : ''}
      </Text>
      {shown.map((tier, index) => (
        <Row
          key={tier.name}
          cells={tierCells(tier, now, tier.pid !== undefined ? usage.get(tier.pid) : undefined)}
          columns={columns}
          selected={first + index === selected}
        />
      ))}
    </Box>
  );
}
