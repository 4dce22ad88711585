/** The frame: header with the menu for the user's roles, language switch and logout; the routed page below. */
import { useEffect, useState } from 'preact/hooks';
import { currentLanguage, setLanguage, useT } from './i18n/index.ts';
import { matchPath, navigate, useLocation } from './router.ts';
import { canOpen, routes, visibleNav } from './routes.ts';
import { clearSession, getUser, onSessionChange } from './session.ts';
import { Toasts } from './ui/toast.tsx';
import { api } from './api.ts';

/** Revokes this session's token on the server (so a copied token stops working), then forgets it here. */
async function logout(): Promise<void> {
  try {
    await api('POST', '/api/auth/logout', { body: { scope: 'session' } });
  } catch {
    // Already expired or the server is unreachable: the local session still ends.
  }
  clearSession();
  navigate('/login');
}

export function App() {
  const t = useT();
  const loc = useLocation();
  const [user, setUser] = useState(getUser);
  useEffect(() => onSessionChange(() => setUser(getUser())), []);

  let page = null;
  let matched = null as null | { route: (typeof routes)[number]; params: Record<string, string> };
  for (const route of routes) {
    const params = matchPath(route.path, loc.path);
    if (params) {
      matched = { route, params };
      break;
    }
  }
  const needsLogin = !user && !(matched?.route.public);
  const qs = loc.query.toString();
  const wanted = loc.path + (qs ? `?${qs}` : '');
  useEffect(() => {
    // Already on the login page (e.g. sent there by api.ts after a 401, with ?next=): keep its next.
    if (needsLogin && loc.path !== '/login') navigate('/login', { next: wanted });
  }, [needsLogin, wanted]);

  if (needsLogin) page = null;
  else if (!matched) page = <p class="error-box">{t('errors.notFound')}</p>;
  else if (user && !canOpen(matched.route, user.roles)) page = <p class="error-box" data-testid="forbidden">{t('errors.forbidden')}</p>;
  else {
    const Page = matched.route.component;
    page = <Page params={matched.params} query={loc.query} />;
  }

  useEffect(() => {
    document.title = `${matched ? t(matched.route.title) + ' · ' : ''}${t('appName')}`;
  });

  const nav = user ? visibleNav(user.roles) : [];
  return (
    <div class="frame">
      <header class="topbar">
        <a class="brand" href="#/">
          <span class="brand-name">{t('appName')}</span>
          <span class="brand-sub">{t('appSubtitle')}</span>
        </a>
        <nav class="menu" aria-label="main">
          {nav.map((r) => (
            <a key={r.path} href={'#' + r.path} class={loc.path === r.path || (r.path !== '/' && loc.path.startsWith(r.path + '/')) ? 'active' : ''}>
              {t(r.title)}
            </a>
          ))}
        </nav>
        <div class="user-box">
          <button type="button" class="link" data-testid="lang-switch" onClick={() => setLanguage(currentLanguage() === 'en' ? 'zh-CN' : 'en')}>
            {t('nav.language')}
          </button>
          {user ? (
            <>
              <span class="user-name" data-testid="user-name">{user.displayName}</span>
              <button type="button" class="link" data-testid="logout" onClick={() => void logout()}>
                {t('nav.logout')}
              </button>
            </>
          ) : null}
        </div>
      </header>
      <main class="content">{page}</main>
      <Toasts />
    </div>
  );
}
