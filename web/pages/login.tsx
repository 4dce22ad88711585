/** Login: user name + password → token and profile in the session, then back to where the user was going. */
import { useState } from 'preact/hooks';
import { api, ApiError } from '../api.ts';
import { useT } from '../i18n/index.ts';
import { navigate } from '../router.ts';
import { setSession, type SessionUser } from '../session.ts';
import { ErrorBox } from '../ui/ErrorBox.tsx';
import type { PageProps } from '../routes.ts';

export function LoginPage({ query }: PageProps) {
  const t = useT();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await api<{ token: string; user: SessionUser }>('POST', '/api/auth/login', { body: { username, password } });
      setSession(res.token, res.user);
      const next = query.get('next');
      // Never back to the login page itself (a stale ?next=/login would loop).
      navigate(next && !next.startsWith('/login') ? next : '/');
    } catch (err) {
      setError(err instanceof ApiError ? err : new Error(String(err)));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="login-card">
      <h1>{t('login.title')}</h1>
      <form onSubmit={submit} data-testid="login-form">
        <label>
          {t('login.username')}
          <input name="username" autoComplete="username" value={username} onInput={(e) => setUsername(e.currentTarget.value)} required />
        </label>
        <label>
          {t('login.password')}
          <input name="password" type="password" autoComplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} required />
        </label>
        <button type="submit" class="primary" disabled={busy}>{t('login.submit')}</button>
      </form>
      <ErrorBox error={error} />
      <p class="muted small">{t('login.demoHint')}</p>
    </div>
  );
}
