/** Shows a failed request: the server's message and, when present, every field it named. */
import { ApiError } from '../api.ts';
import { useT } from '../i18n/index.ts';

export function ErrorBox({ error }: { error: unknown }) {
  const t = useT();
  if (!error) return null;
  const e = error instanceof ApiError ? error : null;
  return (
    <div class="error-box" role="alert" data-testid="error-box">
      <strong>{t('errors.title')}：</strong>
      <span class="error-message">{e ? e.message : String((error as Error)?.message ?? error)}</span>
      {e && e.details.length > 0 && (
        <ul class="error-details">
          {e.details.map((d, i) => (
            <li key={i} data-path={d.path}>
              {d.path ? <code>{d.path}</code> : null} {d.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The reason the server gave for one field (path equal, or starting with `path.` / `path[`). */
export function fieldError(error: unknown, path: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const d = error.details.find((x) => x.path === path || x.path.startsWith(path + '.') || x.path.startsWith(path + '['));
  return d?.reason;
}
