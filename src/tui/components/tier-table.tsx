/** The tier table: one row per tier in snapshot (dependency) order, a window of it when the screen is short. */
import { Box, Text } from 'ink';
import { memo, type ReactNode } from 'react';
import type { TierSnapshot } from '../../supervisor/types.js';
import { cell, MARKER_WIDTH, type Column, windowStart } from '../layout.js';
import { STATE_COLOR, tierCells, type TierCells } from '../tier-view.js';
import { usageOfTier, type UsageByPid } from '../../usage/tree-usage.js';

interface Props {
  tiers: TierSnapshot[];
  columns: Column[];
  selected: number;
  visibleRows: number;
  now: number;
  usage: UsageByPid;
  width: number;
}

interface RowProps {
  cells: TierCells;
  columns: Column[];
  selected: boolean;
}

const sameCells = (a: TierCells, b: TierCells): boolean =>
  (Object.keys(a) as Array<keyof TierCells>).every((key) => a[key] === b[key]);

/**
 * A row renders again only when its text changed: a log flood moves the last line of a few rows, and the rest of the
 * table (and ink's work for it) stays as it was. Cells without a style of their own are one string: ink's work for a
 * frame grows with the text nodes it lays out and styles, and a row of ten cells was ten of them.
 */
const Row = memo(
  function Row({ cells, columns, selected }: RowProps) {
    const parts: ReactNode[] = [];
    let plain = selected ? '› ' : '  ';
    columns.forEach((column, index) => {
      const text = cell(cells[column.key], column) + (index < columns.length - 1 ? ' ' : '');
      if (column.key !== 'state' && !(column.key === 'name' && selected)) {
        plain += text;
        return;
      }
      if (plain) parts.push(plain);
      plain = '';
      parts.push(
        column.key === 'state' ? (
          <Text key="state" color={STATE_COLOR[cells.state]} bold={cells.state === 'failed'}>
            {text}
          </Text>
        ) : (
          <Text key="name" bold inverse>
            {text}
          </Text>
        ),
      );
    });
    if (plain) parts.push(plain);
    return (
      <Text wrap="truncate-end" dimColor={cells.state === 'disabled'}>
        {parts}
      </Text>
    );
  },
  (before, after) => before.selected === after.selected && before.columns === after.columns && sameCells(before.cells, after.cells),
);

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
          cells={tierCells(tier, now, usageOfTier(usage, tier))}
          columns={columns}
          selected={first + index === selected}
        />
      ))}
    </Box>
  );
}
