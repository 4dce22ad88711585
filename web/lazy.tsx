/**
 * Pages that carry heavy libraries (bpmn-js modeler and viewer, form-js) load on first visit instead of with the
 * login page: esbuild splits them into hashed chunks. A failed load (e.g. chunks replaced by a new release while
 * the tab was open) asks for a reload instead of leaving a blank page.
 */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useT } from './i18n/index.ts';
import type { PageProps } from './routes.ts';

export function lazyPage(load: () => Promise<ComponentType<PageProps>>): ComponentType<PageProps> {
  let loaded: ComponentType<PageProps> | null = null;
  let pending: Promise<ComponentType<PageProps>> | null = null;
  return function LazyPage(props: PageProps) {
    const t = useT();
    const [Page, setPage] = useState<ComponentType<PageProps> | null>(() => loaded);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (loaded) return;
      pending ??= load().then((c) => (loaded = c));
      pending.then(
        (c) => setPage(() => c),
        () => {
          pending = null;
          setFailed(true);
        },
      );
    }, []);
    if (failed) {
      return (
        <div class="error-box" role="alert" data-testid="page-load-failed">
          {t('errors.pageLoad')} <button type="button" onClick={() => window.location.reload()}>{t('actions.refresh')}</button>
        </div>
      );
    }
    if (!Page) return <p class="muted">{t('errors.loading')}</p>;
    return <Page {...props} />;
  };
}
