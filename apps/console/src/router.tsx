import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/** Client routes under the base path Vite builds for; the server answers index.html for all. */
export const BASE = '/console';

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => listeners.forEach((l) => l()));

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function snapshot(): string {
  return window.location.pathname + window.location.search;
}

export interface Location {
  /** The path below the base, always starting with `/`. */
  path: string;
  search: URLSearchParams;
}

export function parseLocation(href: string): Location {
  const url = new URL(href, window.location.origin);
  const below = url.pathname.toLowerCase().startsWith(BASE) ? url.pathname.slice(BASE.length) : url.pathname;
  const path = below === '' ? '/' : below.length > 1 ? below.replace(/\/+$/, '') : below;
  return { path, search: url.searchParams };
}

export function useLocation(): Location {
  return parseLocation(useSyncExternalStore(subscribe, snapshot));
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const url = BASE + to;
  if (options.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  listeners.forEach((l) => l());
}

/** A link to a client route: a real `<a href>`, so it opens in a new tab and reads as a link. */
export function Link({ to, onClick, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const handle = (event: MouseEvent<HTMLAnchorElement>): void => {
    onClick?.(event);
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey
    ) {
      return;
    }
    event.preventDefault();
    navigate(to);
  };
  return <a href={BASE + to} onClick={handle} {...rest} />;
}

/** `?a=1&b=2` of the set values only. */
export function queryString(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}
