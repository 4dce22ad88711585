/**
 * Hash routing: `#/registers/suppliers/12?q=abc` → the route whose pattern matches, its params and query.
 * Hash URLs keep the server simple (one index.html) and survive reloads.
 */
import { useEffect, useState } from 'preact/hooks';

export interface Location {
  path: string;
  query: URLSearchParams;
}

export function currentLocation(): Location {
  const h = window.location.hash.replace(/^#/, '') || '/';
  const [path, qs] = h.split('?', 2);
  return { path: path || '/', query: new URLSearchParams(qs ?? '') };
}

export function useLocation(): Location {
  const [loc, setLoc] = useState(currentLocation);
  useEffect(() => {
    const on = () => setLoc(currentLocation());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return loc;
}

export function navigate(path: string, query?: Record<string, string | number | undefined>): void {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  window.location.hash = '#' + path + (s ? '?' + s : '');
}

/** Matches `/a/:id/b` against `/a/7/b` → { id: '7' }, or null (also for a malformed %-escape). */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) {
      // A malformed escape (a truncated or hand-edited link) is no match, not an exception in the frame's render.
      try {
        params[p[i].slice(1)] = decodeURIComponent(s[i]);
      } catch {
        return null;
      }
    } else if (p[i] !== s[i]) return null;
  }
  return params;
}
