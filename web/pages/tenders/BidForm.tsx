/**
 * The supplier's bid (POST /api/tenders/:id/bids, server/tender/bids.ts): a price schedule with one unit price (元)
 * per item of the tender, line totals and the total computed exactly in fen in the browser (the server checks the
 * same arithmetic and seals the bid), delivery period, warranty, validity, the SME declaration, consortium members
 * and the bid document (PDF uploaded to /bid-files, sealed at once). Submitting again before the deadline replaces
 * the earlier bid. The receipt (SHA-256, time, salt) comes back to the page.
 */
import { useState } from 'preact/hooks';
import { api, ApiError } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { ErrorBox, fieldError } from '../../ui/ErrorBox.tsx';
import { Field } from '../../ui/Field.tsx';
import { formatYuan } from '../../ui/format.ts';
import { scheduleTotals } from './money.ts';
import type { Receipt, TenderDetail } from './types.ts';

interface Member {
  name: string;
  creditCode: string;
  role: string;
  sharePercent: string;
}

interface Uploaded {
  fileId: number;
  sha256: string;
  size: number;
  name: string;
}

const SCALES = ['micro', 'small', 'medium', 'large'] as const;

/** Detail paths may come as `priceSchedule[0].unitPriceFen` or `body.…`: one form for fieldError. */
function normalise(err: unknown): unknown {
  if (!(err instanceof ApiError)) return err;
  return new ApiError(err.status, err.code, err.message, err.details.map((d) => ({ ...d, path: d.path.replace(/^body\./, '').replace(/\[(\d+)\]/g, '.$1') })));
}

const intOrText = (s: string): number | string => (/^\d{1,9}$/.test(s.trim()) ? Number(s.trim()) : s);

export function BidForm({ tender, replacing, onSubmitted }: { tender: TenderDetail; replacing: boolean; onSubmitted: (r: Receipt, content: unknown) => void }) {
  const t = useT('tenders');
  const items = tender.items ?? [];
  const consortiumAccepted = tender.tenderNoticeData?.consortiumAccepted !== false;
  const [prices, setPrices] = useState<string[]>(() => items.map(() => ''));
  const [deliveryPeriod, setDeliveryPeriod] = useState(tender.tenderNoticeData?.contractPeriod ?? '');
  const [warrantyMonths, setWarrantyMonths] = useState('36');
  const [validityDays, setValidityDays] = useState(String(tender.tenderDocumentsData?.bidValidityDays ?? 90));
  const [smeDeclared, setSmeDeclared] = useState(false);
  const [scale, setScale] = useState<(typeof SCALES)[number]>('small');
  const [members, setMembers] = useState<Member[]>([]);
  const [deviations, setDeviations] = useState('');
  const [files, setFiles] = useState<Uploaded[]>([]);
  const [uploading, setUploading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const sums = scheduleTotals(items.map((it, i) => ({ quantity: it.quantity, unitPriceYuan: prices[i] ?? '' })));
  const err = (path: string) => fieldError(error, path);

  async function upload(f: File) {
    setUploading(true);
    setError(null);
    try {
      const r = await api<Omit<Uploaded, 'name'>>('POST', `/api/tenders/${tender.tenderId}/bid-files`, { query: { filename: f.name.replace(/[/\\:*?"<>|]/g, '_') }, raw: { contentType: 'application/pdf', data: f } });
      setFiles([...files, { ...r, name: f.name }]);
    } catch (x) {
      setError(normalise(x));
    } finally {
      setUploading(false);
    }
  }

  async function submit(e: Event) {
    e.preventDefault();
    setError(null);
    const bad = sums.lines.flatMap((l, i) =>
      l.lineFen === null ? [{ path: `priceSchedule.${i}.unitPriceFen`, reason: l.problem === 'fraction' ? t('bid.fraction') : t('bid.invalidPrice') }] : [],
    );
    if (bad.length) {
      setError(new ApiError(422, 'FORM_INVALID', t('bid.fixErrors', { count: bad.length }), bad));
      return;
    }
    setBusy(true);
    try {
      const body = {
        priceSchedule: items.map((it, i) => ({
          itemCode: it.itemCode, itemName: it.itemName, quantity: String(it.quantity), unitPriceFen: sums.lines[i].unitFen, lineTotalFen: Number(sums.lines[i].lineFen),
        })),
        totalPriceFen: Number(sums.totalFen),
        deliveryPeriod: deliveryPeriod.trim(),
        warrantyMonths: intOrText(warrantyMonths),
        validityDays: intOrText(validityDays),
        sme: { declared: smeDeclared, scale },
        consortium: members.map((m) => ({ name: m.name.trim(), creditCode: m.creditCode.trim().toUpperCase(), role: m.role.trim(), sharePercent: intOrText(m.sharePercent) })),
        deviations: deviations.trim() ? deviations.trim() : [],
        fileIds: files.map((f) => f.fileId),
      };
      const receipt = await api<Receipt>('POST', `/api/tenders/${tender.tenderId}/bids`, { body });
      onSubmitted(receipt, body);
    } catch (x) {
      setError(normalise(x));
    } finally {
      setBusy(false);
    }
  }

  const setMember = (i: number, k: keyof Member, v: string) => setMembers(members.map((x, j) => (j === i ? { ...x, [k]: v } : x)));

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
            const l = sums.lines[i];
            const lineErr = l.problem === 'price' ? t('bid.invalidPrice') : l.problem === 'fraction' ? t('bid.fraction') : (err(`priceSchedule.${i}`));
            return (
              <tr key={`${it.itemCode}-${i}`} data-testid={`bid-line-${i}`} class={lineErr ? 'field-invalid' : undefined}>
                <td><code>{it.itemCode}</code></td>
                <td>{it.itemName}</td>
                <td class="num">{it.quantity}</td>
                <td>{it.unit}</td>
                <td class="num">
                  <input aria-label={`${it.itemName} ${t('item.unitPrice')}`} name={`prices.${i}.unitPriceYuan`} inputMode="decimal" value={prices[i]}
                    onInput={(e) => { const next = [...prices]; next[i] = e.currentTarget.value; setPrices(next); }} />
                  {lineErr ? <div class="field-error" role="alert">{lineErr}</div> : null}
                </td>
                <td class="num money" data-testid={`bid-line-total-${i}`}>{l.lineFen === null ? '—' : formatYuan(l.lineFen)}</td>
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
      {err('totalPriceFen') || err('priceSchedule') ? <div class="field-error" role="alert">{err('totalPriceFen') ?? err('priceSchedule')}</div> : null}

      <div class="form-grid">
        <Field label={t('bid.deliveryPeriod')} name="deliveryPeriod" error={err('deliveryPeriod')} required>
          <input id="f-deliveryPeriod" value={deliveryPeriod} onInput={(e) => setDeliveryPeriod(e.currentTarget.value)} maxLength={100} />
        </Field>
        <Field label={t('bid.warrantyMonths')} name="warrantyMonths" error={err('warrantyMonths')} required>
          <input id="f-warrantyMonths" inputMode="numeric" value={warrantyMonths} onInput={(e) => setWarrantyMonths(e.currentTarget.value)} />
        </Field>
        <Field label={t('bid.validityDays')} name="validityDays" error={err('validityDays')} required>
          <input id="f-validityDays" inputMode="numeric" value={validityDays} onInput={(e) => setValidityDays(e.currentTarget.value)} />
        </Field>
        <Field label={t('bid.scale')} name="sme" error={err('sme')}>
          <select id="f-sme" value={scale} onChange={(e) => setScale(e.currentTarget.value as (typeof SCALES)[number])} data-testid="bid-scale">
            {SCALES.map((s) => <option key={s} value={s}>{t(`scale.${s}`)}</option>)}
          </select>
        </Field>
      </div>
      <div class="checkbox-row" data-field="sme.declared">
        <input id="bid-sme" type="checkbox" checked={smeDeclared} onChange={(e) => setSmeDeclared(e.currentTarget.checked)} data-testid="bid-sme" />
        <label for="bid-sme">{t('bid.sme')}</label>
      </div>

      <h3>{t('bid.consortium')}</h3>
      {!consortiumAccepted ? <p class="muted small">{t('bid.noConsortium')}</p> : (
        <>
          <p class="field-hint">{t('bid.consortiumHint')}</p>
          {err('consortium') ? <div class="field-error" role="alert">{err('consortium')}</div> : null}
          {members.map((m, i) => (
            <div class="toolbar" key={i} data-field={`consortium.${i}`}>
              <input placeholder={t('bid.memberName')} aria-label={t('bid.memberName')} value={m.name} onInput={(e) => setMember(i, 'name', e.currentTarget.value)} />
              <input placeholder={t('bid.memberCode')} aria-label={t('bid.memberCode')} value={m.creditCode} maxLength={18} onInput={(e) => setMember(i, 'creditCode', e.currentTarget.value)} />
              <input placeholder={t('bid.memberRole')} aria-label={t('bid.memberRole')} value={m.role} onInput={(e) => setMember(i, 'role', e.currentTarget.value)} />
              <input placeholder={t('bid.memberShare')} aria-label={t('bid.memberShare')} value={m.sharePercent} inputMode="numeric" size={6} onInput={(e) => setMember(i, 'sharePercent', e.currentTarget.value)} />
              <button type="button" class="link" onClick={() => setMembers(members.filter((_, j) => j !== i))}>{t('bid.removeMember')}</button>
              {err(`consortium.${i}`) ? <span class="field-error">{err(`consortium.${i}`)}</span> : null}
            </div>
          ))}
          <p><button type="button" onClick={() => setMembers([...members, { name: '', creditCode: '', role: members.length ? '成员' : '牵头人', sharePercent: '' }])} data-testid="bid-add-member">{t('bid.addMember')}</button></p>
        </>
      )}

      <Field label={t('bid.deviations')} name="deviations" error={err('deviations')}>
        <textarea id="f-deviations" rows={2} value={deviations} onInput={(e) => setDeviations(e.currentTarget.value)} placeholder={t('bid.deviationsHint')} />
      </Field>

      <Field label={t('bid.file')} name="fileIds" error={err('fileIds')}>
        {files.map((f) => (
          <div key={f.fileId} data-testid="bid-file-uploaded">
            {t('bid.uploaded', { name: f.name, sha: f.sha256.slice(0, 16) })}{' '}
            <button type="button" class="link" onClick={() => setFiles(files.filter((x) => x.fileId !== f.fileId))}>{t('bid.removeFile')}</button>
          </div>
        ))}
        <input id="f-fileIds" type="file" accept="application/pdf,.pdf" data-testid="bid-file" disabled={uploading}
          onChange={(e) => { const f = e.currentTarget.files?.[0]; e.currentTarget.value = ''; if (f) void upload(f); }} />
        {uploading ? <span class="muted">{t('bid.uploading')}</span> : null}
      </Field>

      <button type="submit" class="primary" disabled={busy || uploading} data-testid="bid-submit">
        {busy ? t('bid.submitting') : replacing ? t('bid.replace') : t('bid.submit')}
      </button>
    </form>
  );
}
