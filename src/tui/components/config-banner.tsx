/**
 * `land up --watch-config`: the last save land could not apply, in red above the key hints, until a later save applies
 * (the supervisor keeps it in the snapshot: the UI owns none of it). One line, cut to the width.
 */
import { Text } from 'ink';
import type { StackSnapshot } from '../../supervisor/types.js';
import { sanitizeLine } from '../format.js';

/** Rows the banner takes (the layout's budget leaves them out of the table and the pane). */
export const bannerRows = (snapshot: StackSnapshot): number => (snapshot.configWatch?.error ? 1 : 0);

export function ConfigBanner({ snapshot }: { snapshot: StackSnapshot }) {
  const error = snapshot.configWatch?.error;
  if (!error) return null;
  return (
    <Text wrap="truncate-end" color="red" bold>
      {sanitizeLine(`config: ${error.message}`)}
    </Text>
  );
}
