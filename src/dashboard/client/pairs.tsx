/** Names and values as a two-column table (a tier's environment, a span's attributes, a log record's and its resource's). */
import { useState } from 'preact/hooks';

/** Characters of a value shown before "Show all": a 5 000-character SQL statement or a 1.5 MB value is not a wall. */
export const VALUE_PREVIEW = 300;

/** A value, cut at VALUE_PREVIEW characters with a button that shows it all (and folds it again). */
export function LongValue({ value }: { value: string }) {
  const [whole, setWhole] = useState(false);
  if (value.length <= VALUE_PREVIEW) return <code>{value}</code>;
  return (
    <>
      <code class={whole ? 'long-value' : undefined}>{whole ? value : `${value.slice(0, VALUE_PREVIEW)}…`}</code>{' '}
      <button type="button" class="link-button" aria-expanded={whole} onClick={() => setWhole(!whole)}>
        {whole ? 'Show less' : `Show all ${value.length.toLocaleString('en')} characters`}
      </button>
    </>
  );
}

/** The table's body: one row per name. */
export function PairRows({ pairs }: { pairs: Array<[string, string]> }) {
  return (
    <tbody>
      {pairs.map(([key, value]) => (
        <tr key={key}>
          <th scope="row">{key}</th>
          <td>
            <LongValue value={value} />
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

/** Attributes as pairs: a string as it is, anything else as its JSON. */
export const attributePairs = (attributes: Record<string, unknown>): Array<[string, string]> =>
  Object.entries(attributes).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]);
