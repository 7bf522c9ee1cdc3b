/**
 * Each page's last address in this tab, so that the navigation returns to a page as it was left (its tier, search,
 * open trace), as Aspire keeps a page's filters while one looks at another page. In sessionStorage: a reload keeps
 * them, another tab or a new session starts clean. The address stays the one truth (a page reads only its own).
 */
import { href, type Route } from './hooks.js';

const KEY = 'land.pageViews';
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

/** Remembers where `route` is (its page's query). */
export function rememberView(route: Route): void {
  const all = load();
  const query = route.params.toString();
  if ((all[route.page] ?? '') === query) return;
  all[route.page] = query;
  try {
    sessionStorage.setItem(KEY, JSON.stringify(all));
  } catch {
    // Kept for this page's life only.
  }
}

/** A navigation link to `page`: to its last address in this tab. */
export function pageHref(page: string): string {
  const query = load()[page];
  return query ? `#/${page}?${query}` : href(page);
}
