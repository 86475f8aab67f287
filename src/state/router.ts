/**
 * Hash routing: `#/inspect`, `#/create`, `#/keys`, `#/ledger`, `#/graph`, `#/simulate`, `#/learn`, with parameters after `?`
 * (`#/inspect?token=…`). The fragment never reaches a server, which is why
 * share links live there too.
 */
import { create } from 'zustand';

export const ROUTES = ['inspect', 'create', 'keys', 'ledger', 'graph', 'simulate', 'learn'] as const;
export type Route = (typeof ROUTES)[number];

export interface Location {
  route: Route;
  params: URLSearchParams;
}

export function parseHash(hash: string): Location {
  const body = hash.replace(/^#\/?/, '');
  const q = body.indexOf('?');
  const path = q === -1 ? body : body.slice(0, q);
  const params = new URLSearchParams(q === -1 ? '' : body.slice(q + 1));
  const route = (ROUTES as readonly string[]).includes(path) ? (path as Route) : 'inspect';
  return { route, params };
}

export function hashFor(route: Route, params?: Record<string, string>): string {
  const query = params ? new URLSearchParams(params).toString() : '';
  return `#/${route}${query ? `?${query}` : ''}`;
}

interface RouterState extends Location {
  navigate(route: Route, params?: Record<string, string>): void;
}

export const useRouter = create<RouterState>()((set) => ({
  ...parseHash(typeof location === 'undefined' ? '' : location.hash),
  navigate(route, params) {
    const hash = hashFor(route, params);
    if (location.hash !== hash) location.hash = hash;
    set(parseHash(hash));
  },
}));

if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', () => useRouter.setState(parseHash(location.hash)));
}
