/**
 * The supplier's bid: a price schedule with one unit price (元) per item of the tender, line totals and the total
 * computed exactly in fen in the browser (the server recomputes and its total binds), the SME declaration,
 * consortium members and the bid document (PDF uploaded to /bid-files, sealed at once). Submitting again before the
 * deadline replaces the earlier bid. The receipt (SHA-256, time, salt) comes back to the page.
 */
import { useState } from 'preact/hooks';
import { api, ApiError } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { ErrorBox, fieldError } from '../../ui/ErrorBox.tsx';
import { Field } from '../../ui/Field.tsx';
import { formatYuan, parseYuanToFen } from '../../ui/format.ts';
import { scheduleTotals, yuanNumber } from './money.ts';
import type { Receipt, TenderDetail } from './types.ts';

interface Member {
  name: string;
  creditCode: string;
}

interface Uploaded {
  fileId: string | number;
  sha256: string;
  size: number;
  name: string;
}

/** Detail paths may come as `prices[0].unitPriceYuan` or `body.prices.0…`: one form for fieldError. */
function normalise(err: unknown): unknown {
  if (!(err instanceof ApiError)) return err;
  return new ApiError(err.status, err.code, err.message, err.details.map((d) => ({ ...d, path: d.path.replace(/^body\./, '').replace(/\[(\d+)\]/g, '.$1') })));
}

export function BidForm({ tender, replacing, onSubmitted }: { tender: TenderDetail; replacing: boolean; onSubmitted: (r: Receipt) => void }) {
  const t = useT('tenders');
  const items = tender.items ?? [];
  const [prices, setPrices] = useState<string[]>(() => items.map(() => ''));
  const [sme, setSme] = useState(false);
  const [members, setMembers] = useState<Member[]>([]);
  const [file, setFile] = useState<Uploaded | null>(null);
  const [uploading, setUploading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const sums = scheduleTotals(items.map((it, i) => ({ quantity: it.quantity, unitPriceYuan: prices[i] ?? '' })));

  async function upload(f: File) {
    setUploading(true);
    setError(null);
    try {
      const r = await api<Omit<Uploaded, 'name'>>('POST', `/api/tenders/${tender.id}/bid-files`, { raw: { contentType: 'application/pdf', data: f } });
      setFile({ ...r, name: f.name });
    } catch (x) {
      setError(normalise(x));
    } finally {
      setUploading(false);
    }
  }

  async function submit(e: Event) {
    e.preventDefault();
    setError(null);
    const bad = items.flatMap((_, i) => (parseYuanToFen(prices[i] ?? '') === null ? [{ path: `prices.${i}.unitPriceYuan`, reason: t('bid.invalidPrice') }] : []));
    if (bad.length) {
      setError(new ApiError(422, 'FORM_INVALID', t('bid.fixErrors', { count: bad.length }), bad));
      return;
    }
    setBusy(true);
    try {
      const body = {
        prices: items.map((it, i) => ({ itemCode: it.itemCode, unitPriceYuan: yuanNumber(prices[i]) })),
        sme,
        consortium: members.filter((m) => m.name.trim() || m.creditCode.trim()).map((m) => ({ name: m.name.trim(), creditCode: m.creditCode.trim() })),
        fileIds: file ? [file.fileId] : [],
      };
      const receipt = await api<Receipt>('POST', `/api/tenders/${tender.id}/bids`, { body });
      onSubmitted(receipt);
    } catch (x) {
      setError(normalise(x));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="panel bid-form" onSubmit={submit} data-testid="bid-form" noValidate>
      <h2>{replacing ? t('bid.replaceTitle') : t('bid.title')}</h2>
      <ErrorBox error={error} />
      <table class="data-table items-table" data-testid="bid-schedule">
        <thead>
          <tr>
            <th>{t('item.code')}</th><th>{t('item.name')}</th><th class="num">{t('item.quantity')}</th><th>{t('item.unit')}</th>
            <th class="num">{t('item.unitPrice')}</th><th class="num">{t('item.lineTotal')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((it, i) => {
            const typed = (prices[i] ?? '').trim() !== '';
            const err = typed && parseYuanToFen(prices[i]) === null ? t('bid.invalidPrice') : fieldError(error, `prices.${i}`);
            const line = sums.lines[i];
            return (
              <tr key={it.itemCode} data-testid={`bid-line-${i}`} class={err ? 'field-invalid' : undefined}>
                <td><code>{it.itemCode}</code></td>
                <td>{it.itemName}</td>
                <td class="num">{it.quantity}</td>
                <td>{it.unit}</td>
                <td class="num">
                  <input aria-label={`${it.itemName} ${t('item.unitPrice')}`} name={`prices.${i}.unitPriceYuan`} inputMode="decimal" value={prices[i]}
                    onInput={(e) => { const next = [...prices]; next[i] = e.currentTarget.value; setPrices(next); }} />
                  {err ? <div class="field-error" role="alert">{err}</div> : null}
                </td>
                <td class="num money" data-testid={`bid-line-total-${i}`}>{line === null ? '—' : formatYuan(line)}</td>
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          <tr>
            <td colSpan={5} class="num"><strong>{t('bid.total')}</strong></td>
            <td class="num money" data-testid="bid-total"><strong>{sums.totalFen === null ? '—' : formatYuan(sums.totalFen)}</strong></td>
          </tr>
        </tfoot>
      </table>
      <p class="field-hint">{t('bid.totalHint')}</p>

      <div class="checkbox-row" data-field="sme">
        <input id="bid-sme" type="checkbox" checked={sme} onChange={(e) => setSme(e.currentTarget.checked)} data-testid="bid-sme" />
        <label for="bid-sme">{t('bid.sme')}</label>
      </div>

      <h3>{t('bid.consortium')}</h3>
      <p class="field-hint">{t('bid.consortiumHint')}</p>
      {members.map((m, i) => (
        <div class="toolbar" key={i} data-field={`consortium.${i}`}>
          <input placeholder={t('bid.memberName')} aria-label={t('bid.memberName')} value={m.name} onInput={(e) => setMembers(members.map((x, j) => (j === i ? { ...x, name: e.currentTarget.value } : x)))} />
          <input placeholder={t('bid.memberCode')} aria-label={t('bid.memberCode')} value={m.creditCode} maxLength={18} onInput={(e) => setMembers(members.map((x, j) => (j === i ? { ...x, creditCode: e.currentTarget.value } : x)))} />
          <button type="button" class="link" onClick={() => setMembers(members.filter((_, j) => j !== i))}>{t('bid.removeMember')}</button>
          {fieldError(error, `consortium.${i}`) ? <span class="field-error">{fieldError(error, `consortium.${i}`)}</span> : null}
        </div>
      ))}
      <p><button type="button" onClick={() => setMembers([...members, { name: '', creditCode: '' }])} data-testid="bid-add-member">{t('bid.addMember')}</button></p>

      <Field label={t('bid.file')} name="fileIds" error={fieldError(error, 'fileIds') ?? fieldError(error, 'files')}>
        {file ? (
          <div data-testid="bid-file-uploaded">
            {t('bid.uploaded', { name: file.name, sha: file.sha256.slice(0, 16) })}{' '}
            <button type="button" class="link" onClick={() => setFile(null)}>{t('bid.removeFile')}</button>
          </div>
        ) : (
          <input id="f-fileIds" type="file" accept="application/pdf,.pdf" data-testid="bid-file" disabled={uploading}
            onChange={(e) => { const f = e.currentTarget.files?.[0]; e.currentTarget.value = ''; if (f) void upload(f); }} />
        )}
        {uploading ? <span class="muted">{t('bid.uploading')}</span> : null}
      </Field>

      <button type="submit" class="primary" disabled={busy || uploading} data-testid="bid-submit">
        {busy ? t('bid.submitting') : replacing ? t('bid.replace') : t('bid.submit')}
      </button>
    </form>
  );
}
