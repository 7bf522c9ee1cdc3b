/**
 * A grouped chart's legend names. Its series' labels (`http.route=/api/v1/customers/{id}/orders/3, http.method=GET`)
 * often differ only at the end of a long value, which a name cut at its end (CSS's ellipsis) hides: every entry read
 * `http.route=/api/v1/custo…`. So the legend leaves out the pairs every drawn series shares (the caption says them), a
 * long prefix all of a key's values share is cut to `…` and what is left is still too long is cut in the middle. The
 * whole label stays the entry's title and picks its colour.
 */
const MAX = 44;
/** Where a shared prefix may be cut after: the name keeps the part after the last of these. */
const BREAK = /[/.:_\-{}]/;

/** `key=value` pairs of a label (the adapter joins them with `, `; a value may hold `, ` itself). */
export const labelPairs = (label: string): string[] => label.split(/, (?=[\w.-]+=)/);

function commonPrefix(values: string[]): string {
  let prefix = values[0] ?? '';
  for (const value of values) while (!value.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

/** `text` cut in its middle to MAX characters (its end is where series' names tend to differ). */
export function middleCut(text: string, max = MAX): string {
  if (text.length <= max) return text;
  const head = Math.ceil((max - 1) / 3);
  return `${text.slice(0, head)}…${text.slice(text.length - (max - 1 - head))}`;
}

/** A shared prefix over 12 characters cut down to its last piece (`/api/v1/…/items/` → `…/items/`). */
function cutPrefix(prefix: string): number {
  if (prefix.length <= 12) return 0;
  let at = prefix.length - 1;
  while (at > 0 && !BREAK.test(prefix[at - 1]!)) at -= 1;
  // Keep the last piece and the separator before it, or 8 characters when no separator is near.
  const keep = prefix.length - at + 1 <= 16 ? prefix.length - at + 1 : 8;
  return prefix.length - keep;
}

/** The legend's name of each label (the same order); what every label shares goes in `shared`. */
export function legendNames(labels: string[]): { names: string[]; shared: string[] } {
  const pairs = labels.map(labelPairs);
  const counts = new Map<string, number>();
  for (const list of pairs) for (const pair of new Set(list)) counts.set(pair, (counts.get(pair) ?? 0) + 1);
  const shared = labels.length > 1 ? [...counts].filter(([, count]) => count === labels.length).map(([pair]) => pair) : [];
  const kept = pairs.map((list) => list.filter((pair) => !shared.includes(pair)));
  // Per key, how much of the values' shared start to leave out.
  const byKey = new Map<string, string[]>();
  for (const list of kept) for (const pair of list) {
    const eq = pair.indexOf('=');
    byKey.set(pair.slice(0, eq), [...(byKey.get(pair.slice(0, eq)) ?? []), pair.slice(eq + 1)]);
  }
  const cut = new Map([...byKey].map(([key, values]) => [key, values.length > 1 ? cutPrefix(commonPrefix(values)) : 0]));
  const names = kept.map((list, i) => {
    if (list.length === 0) return middleCut(labels[i]!);
    const shown = list.map((pair) => {
      const eq = pair.indexOf('=');
      const skip = cut.get(pair.slice(0, eq)) ?? 0;
      return skip > 0 ? `${pair.slice(0, eq + 1)}…${pair.slice(eq + 1 + skip)}` : pair;
    });
    return middleCut(shown.join(', '));
  });
  return { names, shared };
}
