/** Start page after login: who you are and the work areas your roles open. */
import { useT } from '../i18n/index.ts';
import { getUser } from '../session.ts';
import { visibleNav } from '../routes.ts';

export function HomePage() {
  const t = useT();
  const user = getUser();
  if (!user) return null;
  const nav = visibleNav(user.roles).filter((r) => r.path !== '/');
  return (
    <section>
      <h1>{t('home.welcome', { name: user.displayName })}</h1>
      <dl class="facts">
        <dt>{t('home.roles')}</dt>
        <dd data-testid="home-roles">{user.roles.map((r) => t(`roles.${r}`)).join('、')}</dd>
        <dt>{t('home.organisation')}</dt>
        <dd>{user.organisation?.name ?? '—'}</dd>
      </dl>
      {nav.length > 0 ? (
        <ul class="tiles">
          {nav.map((r) => (
            <li key={r.path}><a href={'#' + r.path}>{t(r.title)}</a></li>
          ))}
        </ul>
      ) : (
        <p class="muted">{t('home.pick')}</p>
      )}
    </section>
  );
}
