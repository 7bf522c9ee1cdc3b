/**
 * Each page's last filters in this tab, so that the navigation returns to a page filtered as it was left (its tiers,
 * search, severity, span name), as Aspire keeps a page's filters while one looks at another page. In sessionStorage: a reload keeps
 * them, another tab or a new session starts clean. The address stays the one truth (a page reads only its own).
 */
import { href, type Route } from './hooks.js';

const KEY = 'land.pageViews';
/**
 * What a page shows rather than how it filters, left out of what is remembered: the navigation opens the Traces
 * page's list and the boot's trace (not the trace or span last open, nor the list's page), the Logs page without a
 * detail open. The Logs page's `trace` is a filter (`Logs of this trace`) and stays.
 */
const SHOWN: Record<string, readonly string[]> = { traces: ['trace', 'span', 'page'], logs: ['record', 'line'] };
let views: Record<string, string> | undefined;

function load(): Record<string, string> {
  if (views) return views;
  try {
    const stored: unknown = JSON.parse(sessionStorage.getItem(KEY) ?? '{}');
    views = typeof stored === 'object' && stored !== null ? (stored as Record<string, string>) : {};
  } catch {
    views = {}; // storage refused (a locked-down browser) or spoiled: the pages open plain
  }
  return views;
}

/** Remembers `route`'s filters (its query without what it shows). */
export function rememberView(route: Route): void {
  const all = load();
  const params = new URLSearchParams(route.params);
  for (const key of SHOWN[route.page] ?? []) params.delete(key);
  const query = params.toString();
  if ((all[route.page] ?? '') === query) return;
  all[route.page] = query;
  try {
    sessionStorage.setItem(KEY, JSON.stringify(all));
  } catch {
    // Kept for this page's life only.
  }
}

/** A navigation link to `page`: with its last filters in this tab. */
export function pageHref(page: string): string {
  const query = load()[page];
  return query ? `#/${page}?${query}` : href(page);
}
