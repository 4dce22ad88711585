/**
 * The one way the browser talks to the server: JSON over fetch with the session's bearer token. A non-2xx answer
 * becomes an ApiError carrying the server's { code, message, details } so pages can show field errors.
 */
import { getToken, clearSession } from './session.ts';

export interface ErrorDetail {
  path: string;
  reason: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Raw body (e.g. CSV text) sent with this content type instead of JSON. */
  raw?: { contentType: string; data: BodyInit };
  signal?: AbortSignal;
}

async function send(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let body: BodyInit | undefined;
  if (opts.raw) {
    headers['Content-Type'] = opts.raw.contentType;
    body = opts.raw.data;
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), { method, headers, body, signal: opts.signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', '无法连接服务器 (cannot reach the server)');
  }
  if (res.status === 401 && token) {
    // The token expired or was revoked: to the login page, and back here after logging in.
    const here = window.location.hash.replace(/^#/, '') || '/';
    clearSession();
    if (!here.startsWith('/login')) window.location.hash = `#/login?next=${encodeURIComponent(here)}`;
  }
  if (!res.ok) {
    let code = 'HTTP_' + res.status;
    let message = res.statusText;
    let details: ErrorDetail[] = [];
    try {
      const b = (await res.json()) as { error?: { code: string; message: string; details?: ErrorDetail[] } };
      if (b.error) ({ code, message } = b.error), (details = b.error.details ?? []);
    } catch {
      /* not JSON */
    }
    throw new ApiError(res.status, code, message, details);
  }
  return res;
}

export async function api<T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await send(method, path, opts);
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('Content-Type') ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}

/** Downloads a protected file (the token cannot ride on a plain link) and saves it under its server name. */
export async function download(path: string, fallbackName: string, query?: Query): Promise<void> {
  const res = await send('GET', path, { query });
  const blob = await res.blob();
  const cd = res.headers.get('Content-Disposition') ?? '';
  const m = /filename\*=UTF-8''([^;]+)/i.exec(cd) ?? /filename="?([^";]+)"?/i.exec(cd);
  const name = m ? decodeURIComponent(m[1]) : fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
