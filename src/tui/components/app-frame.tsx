/** The App's layout: header, the tier table (or help in its place), the log pane, the status line. */
import { Box } from 'ink';
import { useMemo } from 'react';
import { rowBudget, tierColumns } from '../layout.js';
import type { LiveLayout } from '../live-cells.js';
import { paneWindow } from '../log-buffer.js';
import { ALL, paneSource, type PaneState } from '../pane-actions.js';
import type { PaneLines } from '../pane-lines.js';
import { promptText, type Prompt } from '../prompt.js';
import type { DataView } from '../stack-view.js';
import type { LiveCells } from '../use-live-cells.js';
import { bannerRows, ConfigBanner } from './config-banner.js';
import { Footer, type Status } from './footer.js';
import { Header } from './header.js';
import { Help } from './help.js';
import { LogPane, TIER_PALETTE } from './log-pane.js';
import { TierTable } from './tier-table.js';

export interface AppFrameProps {
  /** The newest view (the state's, or newer where live cells were rewritten in place since). */
  shown: DataView;
  mode: 'up' | 'watch';
  columns: number;
  rows: number;
  selectedName: string | undefined;
  pane: PaneState | null;
  /** The open pane's lines. */
  buffer: PaneLines | null;
  help: boolean;
  prompt: Prompt | null;
  status: Status | null;
  live: LiveCells;
}

export function AppFrame(props: AppFrameProps) {
  const { shown, columns, rows, pane, help, prompt, live } = props;
  const { snapshot, now } = shown;
  const tiers = snapshot.tiers;
  const foundIndex = tiers.findIndex((tier) => tier.name === props.selectedName);
  const selected = foundIndex >= 0 ? foundIndex : 0;
  const budget = rowBudget(rows, tiers.length, pane !== null, bannerRows(snapshot));
  // The same columns (the same array) while the width and the names stay: rows compare them to skip a render.
  const names = tiers.map((tier) => tier.name);
  const telemetryNames = tiers.map((tier) => tier.tier);
  const differs = tiers.some((tier) => tier.tier !== (tier.group ?? tier.name));
  const tableColumns = useMemo(
    () => tierColumns(columns, names, telemetryNames, differs),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [columns, names.join('\n'), telemetryNames.join('\n'), differs],
  );
  const source = pane && props.buffer ? paneSource(props.buffer) : undefined;
  const colorOf = (name: string) => {
    const index = tiers.findIndex((tier) => tier.name === name);
    return TIER_PALETTE[(index < 0 ? 0 : index) % TIER_PALETTE.length]!;
  };
  const layout: LiveLayout = { width: columns, columns: tableColumns, selected, visibleRows: budget.tierRows };
  live.drawn.current = { layout, snapshot, snapshotKey: shown.snapshotKey, now, usage: shown.usage, rows, help };
  return (
    <Box ref={live.rootRef} flexDirection="column" width={columns}>
      <Header snapshot={snapshot} now={now} width={columns} />
      {help ? (
        // Help takes the table's place: it is brief, and every key stays readable on a 24-row terminal.
        <Help lines={Math.max(1, rows - 6)} width={columns} mode={props.mode} />
      ) : (
        <TierTable
          tiers={tiers}
          columns={tableColumns}
          selected={selected}
          visibleRows={budget.tierRows}
          now={now}
          usage={shown.usage}
          width={columns}
        />
      )}
      {!help && pane && source && (
        <LogPane
          tier={pane.tier === ALL ? undefined : pane.tier}
          window={paneWindow(source, pane.scroll, budget.panelLines)}
          follow={pane.scroll.follow}
          focused={pane.focused}
          width={columns}
          filter={{ text: pane.filter, shown: source.end - source.start, total: source.total }}
          search={pane.search}
          colorOf={colorOf}
          nameWidth={Math.max(...tiers.map((tier) => tier.name.length))}
        />
      )}
      <ConfigBanner snapshot={snapshot} />
      <Footer
        status={prompt ? { text: promptText(prompt), kind: 'info' } : props.status}
        paneFocused={pane !== null && pane.focused && !help}
        help={help}
        width={columns}
      />
    </Box>
  );
}
