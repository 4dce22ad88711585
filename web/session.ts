/** The logged-in user: token and profile kept in localStorage, with a tiny subscription for the layout. */
export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  roles: string[];
  organisation: { id: number; name: string; kind: string } | null;
}

const KEY = 'eproc.session';
type Listener = () => void;
const listeners = new Set<Listener>();

interface Stored {
  token: string;
  user: SessionUser;
}

function read(): Stored | null {
  try {
    const raw = localStorage.getItem(KEY);
    const s = raw ? (JSON.parse(raw) as Partial<Stored> | null) : null;
    // localStorage outlives releases and can be edited: a session of another shape is no session (the frame would
    // otherwise throw on user.roles and leave a blank page with no way to log out).
    if (!s || typeof s.token !== 'string' || !s.user || typeof s.user.username !== 'string' || !Array.isArray(s.user.roles)) return null;
    return s as Stored;
  } catch {
    return null;
  }
}

export function getToken(): string | null {
  return read()?.token ?? null;
}

export function getUser(): SessionUser | null {
  return read()?.user ?? null;
}

export function hasRole(...roles: string[]): boolean {
  const u = getUser();
  return !!u && u.roles.some((r) => roles.includes(r));
}

export function setSession(token: string, user: SessionUser): void {
  localStorage.setItem(KEY, JSON.stringify({ token, user }));
  listeners.forEach((l) => l());
}

export function clearSession(): void {
  localStorage.removeItem(KEY);
  listeners.forEach((l) => l());
}

export function onSessionChange(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}
