/** Names and values as a two-column table (a span's attributes, a log record's and its resource's). */
export function Pairs({ pairs, label }: { pairs: Array<[string, string]>; label: string }) {
  if (pairs.length === 0) return <p class="hint">none</p>;
  return (
    <table class="env" aria-label={label}>
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
    </table>
  );
}
