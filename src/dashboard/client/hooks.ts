/** Small hooks: the store's state, polling an endpoint while a page is shown, the current hash route. */
import { useEffect, useState } from 'preact/hooks';
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

function readRoute(): Route {
  const hash = location.hash.replace(/^#\/?/, '');
  const [page = '', query = ''] = hash.split('?');
  return { page: page || 'tiers', params: new URLSearchParams(query) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(readRoute);
  useEffect(() => {
    const onChange = () => setRoute(readRoute());
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export const href = (page: string, params: Record<string, string> = {}) => {
  const query = new URLSearchParams(params).toString();
  return `#/${page}${query ? `?${query}` : ''}`;
};
