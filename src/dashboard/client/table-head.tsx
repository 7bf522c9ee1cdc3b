/** A table's header row: one column header per name. */
import type { ComponentChildren } from 'preact';

export function TableHead({ columns }: { columns: Array<ComponentChildren> }) {
  return (
    <thead>
      <tr>
        {columns.map((column, i) => (
          <th key={i} scope="col">
            {column}
          </th>
        ))}
      </tr>
    </thead>
  );
}
