/** Small hooks: the store's state, polling an endpoint while a page is shown, the current hash route and going to one. */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { getJson } from './api.js';
import { store, type StoreState } from './store.js';

export function useStore(): StoreState {
  const [state, setState] = useState(store.state);
  useEffect(() => store.subscribe(() => setState(store.state)), []);
  return state;
}

/** GETs `path` now and every `everyMs` while the component is mounted (null: not yet, nothing to ask). */
export function usePoll<T>(path: string | null, everyMs: number): { data?: T; error?: string } {
  const [result, setResult] = useState<{ data?: T; error?: string }>({});
  useEffect(() => {
    if (path === null) return undefined;
    let live = true;
    const load = () =>
      getJson<T>(path).then(
        (data) => live && setResult({ data }),
        (error: Error) => live && setResult((previous) => ({ ...previous, error: error.message })),
      );
    void load();
    const timer = setInterval(load, everyMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [path, everyMs]);
  return result;
}

export interface Route {
  page: string;
  params: URLSearchParams;
}

function readRoute(hash: string): Route {
  const [page = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  return { page: page || 'tiers', params: new URLSearchParams(query) };
}

export function useRoute(): Route {
  const [hash, setHash] = useState(() => location.hash);
  useEffect(() => {
    const onChange = () => setHash(location.hash);
    addEventListener('hashchange', onChange);
    // The address may have changed between the first render and this subscription (a link opened while the page
    // loads): that hashchange reached no listener of ours, so read it once now (the same hash re-renders nothing).
    onChange();
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return useMemo(() => readRoute(hash), [hash]);
}

/** A query's parameters: a record, or pairs (a parameter given more than once: `tier=a&tier=b`). */
export type Params = Record<string, string> | string[][];

export const href = (page: string, params: Params = {}) => {
  const query = new URLSearchParams(params).toString();
  return `#/${page}${query ? `?${query}` : ''}`;
};

/**
 * Goes to a view of a page (its filters are in the address, so a reload or a shared link shows the same): a new
 * history entry that Back returns from, or (`replace`: typing in a search box) in place of the current one.
 */
export function navigate(page: string, params: Params, replace = false): void {
  const target = href(page, params);
  if (target === location.hash) return;
  if (!replace) {
    location.hash = target;
    return;
  }
  history.replaceState(history.state, '', target);
  // replaceState fires no hashchange: tell useRoute.
  dispatchEvent(new HashChangeEvent('hashchange'));
}

/**
 * A detail panel that Escape closes as its Close link does (`close`: the list's address without the detail), the
 * keyboard then back on the link that opened it (a row's, whose address is the panel's): Aspire's panes close so.
 * Not while a field, a list box or an open menu has the key (Escape there is theirs).
 */
export function useEscapeCloses(close: string): void {
  const opener = useRef<string | undefined>(undefined);
  // A layout effect: listening from the render that draws the panel, so an Escape pressed as soon as it shows is not
  // lost (a plain effect waits for the next frame; CI pressed Escape in between under load).
  useLayoutEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      if ((event.target as HTMLElement | null)?.closest?.('input, textarea, select, details[open]')) return;
      opener.current = location.hash;
      location.hash = close;
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [close]);
  // On closing: the row is drawn again in the same render, so its link is there once this render is done.
  useEffect(
    () => () => {
      const back = opener.current;
      // A row scrolled out of a virtual list is not drawn: the page's main part then, not the document's start.
      const focus = () => (document.querySelector<HTMLElement>(`a[href="${CSS.escape(back ?? '')}"]`) ?? document.getElementById('main'))?.focus();
      if (back) setTimeout(focus, 0);
    },
    [],
  );
}
