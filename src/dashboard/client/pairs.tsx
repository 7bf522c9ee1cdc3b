/** Names and values as a two-column table (a tier's environment, a span's attributes, a log record's and its resource's). */

/** The table's body: one row per name. */
export function PairRows({ pairs }: { pairs: Array<[string, string]> }) {
  return (
    <tbody>
      {pairs.map(([key, value]) => (
        <tr key={key}>
          <th scope="row">{key}</th>
          <td>
            <code>{value}</code>
          </td>
        </tr>
      ))}
    </tbody>
  );
}

export function Pairs({ pairs, label }: { pairs: Array<[string, string]>; label: string }) {
  if (pairs.length === 0) return <p class="hint">none</p>;
  return (
    <table class="env" aria-label={label}>
      <PairRows pairs={pairs} />
    </table>
  );
}
