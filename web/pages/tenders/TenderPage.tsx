/**
 * One tender: the facts (deadline in Beijing time with its legal basis and a countdown), the notice (from the
 * published notice data; the generated documents are linked for those who may open them), amendments, the items;
 * for suppliers the bid form while the window is open, the receipt after submitting, their own bids with
 * replace/withdraw before the deadline, and challenge filing after the award. Every refusal of the server (window
 * closed, not a bidder, …) is shown as it comes.
 */
import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import type { PageProps } from '../../routes.ts';
import { hasRole } from '../../session.ts';
import { DataTable } from '../../ui/DataTable.tsx';
import { ErrorBox, fieldError } from '../../ui/ErrorBox.tsx';
import { Field } from '../../ui/Field.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { showToast } from '../../ui/toast.tsx';
import { useAsync } from '../../ui/useAsync.ts';
import { DeadlineText, Money, StatusBadge } from '../projects/parts.tsx';
import '../projects/projects.css';
import { BidForm } from './BidForm.tsx';
import { Countdown, useNow } from './Countdown.tsx';
import { receiptRecord, recordDigest, saveRecord } from './receipt.ts';
import { isOpen, type Challenge, type OwnBid, type Receipt, type TenderDetail } from './types.ts';

export function ReceiptView({ receipt, tenderId, content }: { receipt: Receipt; tenderId: number; content: unknown }) {
  const t = useT('tenders');
  const record = receiptRecord(tenderId, content, receipt);
  // Recomputed here from what was sent and the receipt: the same digest proves the note below right.
  const check = useAsync(() => recordDigest(record), [receipt.sha256]);
  return (
    <section class="panel receipt" data-testid="bid-receipt">
      <h2>{t('receipt.title')}</h2>
      <dl class="facts">
        <dt>{t('receipt.bidId')}</dt><dd data-testid="receipt-bid-id">{receipt.bidId}</dd>
        <dt>{t('receipt.sha256')}</dt><dd><code data-testid="receipt-sha256">{receipt.sha256}</code></dd>
        <dt>{t('receipt.submittedAt')}</dt><dd data-testid="receipt-time" title={receipt.submittedAt}>{formatDateTime(receipt.submittedAt)}</dd>
        <dt>{t('receipt.salt')}</dt><dd><code data-testid="receipt-salt">{receipt.salt}</code></dd>
        {receipt.files?.length ? (
          <>
            <dt>{t('receipt.files')}</dt>
            <dd>{receipt.files.map((f) => <div key={f.fileId}><code class="small">{f.sha256}</code></div>)}</dd>
          </>
        ) : null}
      </dl>
      <p class="small">{t('receipt.verify', { submittedAt: receipt.submittedAt })}</p>
      <div class="toolbar">
        <span data-testid="receipt-check" data-ok={check.data === receipt.sha256 ? 'true' : 'false'}>
          {check.data == null ? (check.loading ? '' : t('receipt.noCrypto')) : check.data === receipt.sha256 ? t('receipt.checked') : t('receipt.mismatch')}
        </span>
        <button type="button" onClick={() => saveRecord(record, receipt.sha256, `bid-${receipt.bidId}-receipt.json`)} data-testid="receipt-save">{t('receipt.save')}</button>
      </div>
    </section>
  );
}

const DOCUMENT_KINDS = ['采购文件', '采购过程', '中标（成交）结果'] as const;

function ChallengeForm({ tenderId, onFiled }: { tenderId: number; onFiled: () => void }) {
  const t = useT('tenders');
  const [doc, setDoc] = useState<string>('中标（成交）结果');
  const [v, setV] = useState({ item: '', request: '', facts: '', law: '' });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof v) => (e: Event) => setV({ ...v, [k]: (e.currentTarget as HTMLInputElement).value });
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    try {
      await api('POST', `/api/tenders/${tenderId}/challenges`, { body: { challengedDocument: doc, items: [{ item: v.item.trim(), request: v.request.trim(), facts: v.facts.trim(), law: v.law.trim() }] } });
      setError(null);
      setV({ item: '', request: '', facts: '', law: '' });
      showToast(t('challenge.filed'));
      onFiled();
    } catch (x) {
      setError(x);
    } finally {
      setBusy(false);
    }
  }
  const err = (k: string) => fieldError(error, `items.0.${k}`);
  return (
    <form onSubmit={submit} data-testid="challenge-form" noValidate>
      <ErrorBox error={error} />
      <Field label={t('challenge.document')} name="challengedDocument" error={fieldError(error, 'challengedDocument')} required>
        <select id="f-challengedDocument" value={doc} onChange={(e) => setDoc(e.currentTarget.value)}>
          {DOCUMENT_KINDS.map((d) => <option key={d} value={d}>{d}</option>)}
        </select>
      </Field>
      <Field label={t('challenge.item')} name="item" error={err('item')} required>
        <input id="f-item" value={v.item} onInput={set('item')} maxLength={200} />
      </Field>
      <Field label={t('challenge.request')} name="request" error={err('request')} required>
        <textarea id="f-request" rows={2} value={v.request} onInput={set('request')} />
      </Field>
      <Field label={t('challenge.facts')} name="facts" error={err('facts')} required>
        <textarea id="f-facts" rows={4} value={v.facts} onInput={set('facts')} />
      </Field>
      <Field label={t('challenge.law')} name="law" error={err('law')} required>
        <textarea id="f-law" rows={2} value={v.law} onInput={set('law')} />
      </Field>
      <button type="submit" class="primary" disabled={busy} data-testid="challenge-submit">{t('challenge.submit')}</button>
    </form>
  );
}

/** 澄清或修改 by the tender's agency staff before the deadline (POST /api/tenders/:id/amendments); T4 may move the deadline. */
function AmendmentForm({ tenderId, onPublished }: { tenderId: number; onPublished: () => void }) {
  const t = useT('tenders');
  const [title, setTitle] = useState('澄清或修改');
  const [change, setChange] = useState({ item: '', original: '', revised: '' });
  const [substantive, setSubstantive] = useState(false);
  const [newDeadline, setNewDeadline] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof change) => (e: Event) => setChange({ ...change, [k]: (e.currentTarget as HTMLInputElement).value });
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    try {
      const r = await api<{ number: number; bidDeadlineAt: string }>('POST', `/api/tenders/${tenderId}/amendments`, {
        body: { title: title.trim(), changes: [{ item: change.item.trim(), original: change.original.trim(), revised: change.revised.trim() }], substantive, newBidDeadline: newDeadline || undefined },
      });
      setError(null);
      setChange({ item: '', original: '', revised: '' });
      showToast(t('amendment.published', { n: r.number, at: formatDateTime(r.bidDeadlineAt) }));
      onPublished();
    } catch (x) {
      setError(x);
    } finally {
      setBusy(false);
    }
  }
  const err = (k: string) => fieldError(error, k);
  return (
    <form class="panel" onSubmit={submit} data-testid="amendment-form" noValidate>
      <h2>{t('amendment.title')}</h2>
      <ErrorBox error={error} />
      <div class="form-grid">
        <Field label={t('amendment.heading')} name="title" error={err('title')} required>
          <input id="f-title" value={title} onInput={(e) => setTitle(e.currentTarget.value)} maxLength={200} />
        </Field>
        <Field label={t('amendment.item')} name="changes.0.item" error={err('changes.0.item')} required>
          <input id="f-change-item" value={change.item} onInput={set('item')} maxLength={200} />
        </Field>
        <Field label={t('amendment.original')} name="changes.0.original" error={err('changes.0.original')} required>
          <textarea id="f-change-original" rows={2} value={change.original} onInput={set('original')} />
        </Field>
        <Field label={t('amendment.revised')} name="changes.0.revised" error={err('changes.0.revised')} required>
          <textarea id="f-change-revised" rows={2} value={change.revised} onInput={set('revised')} />
        </Field>
        <Field label={t('amendment.newDeadline')} name="newBidDeadline" error={err('newBidDeadline')} hint={t('amendment.newDeadlineHint')}>
          <input id="f-newBidDeadline" type="datetime-local" value={newDeadline} onInput={(e) => setNewDeadline(e.currentTarget.value)} />
        </Field>
      </div>
      <div class="checkbox-row">
        <input id="f-substantive" type="checkbox" checked={substantive} onChange={(e) => setSubstantive(e.currentTarget.checked)} />
        <label for="f-substantive">{t('amendment.substantiveHint')}</label>
      </div>
      <button type="submit" class="primary" disabled={busy} data-testid="amendment-submit">{t('amendment.publish')}</button>
    </form>
  );
}

const listOf = <T,>(d: unknown, key: string): T[] => (Array.isArray(d) ? (d as T[]) : ((d as Record<string, T[]> | undefined)?.[key] ?? []));

export function TenderPage({ params }: PageProps) {
  const t = useT('tenders');
  const id = encodeURIComponent(params.id);
  const supplier = hasRole('supplier');
  const tender = useAsync(() => api<TenderDetail>('GET', `/api/tenders/${id}`), [id]);
  const bids = useAsync(() => (supplier ? api<{ bids: OwnBid[] }>('GET', `/api/tenders/${id}/bids`) : Promise.resolve({ bids: [] as OwnBid[] })), [id, supplier]);
  const canSeeChallenges = hasRole('supplier', 'agency', 'purchaser', 'supervisor', 'auditor');
  const challenges = useAsync(
    () => (canSeeChallenges ? api<{ challenges: Challenge[] }>('GET', `/api/tenders/${id}/challenges`).catch(() => ({ challenges: [] as Challenge[] })) : Promise.resolve({ challenges: [] as Challenge[] })),
    [id],
  );
  const number = tender.data?.projectNumber;
  // The generated notice and documents, for those who may open them (suppliers read the notice on this page).
  const docs = useAsync(
    () => (number && !supplier ? api<{ documents: { id: number; title: string }[] }>('GET', '/api/documents', { query: { project: number, limit: 50 } }).catch(() => ({ documents: [] })) : Promise.resolve({ documents: [] })),
    [number],
  );
  const [receipt, setReceipt] = useState<{ receipt: Receipt; content: unknown } | null>(null);
  const [replacing, setReplacing] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const now = useNow(5000);

  if (tender.error) return <ErrorBox error={tender.error} />;
  if (!tender.data) return <p class="muted">{t('common:errors.loading')}</p>;
  const tn = tender.data;
  const open = isOpen(tn, now);
  const myBids = listOf<OwnBid>(bids.data, 'bids');
  const activeBid = myBids.find((b) => b.status === 'submitted');
  const challengeList = listOf<Challenge>(challenges.data, 'challenges');
  // The server decides whether the challenge period is still running (its clock, not the browser's): the form is
  // offered while the tender stands awarded, and a late challenge is refused with the reason.
  const challengeOpen = tn.status === 'awarded' && !!tn.challengeDeadlineAt;
  const notice = tn.tenderNoticeData ?? {};
  const documentsData = tn.tenderDocumentsData ?? {};
  const ev = tn.evaluation ?? {};

  async function withdraw(b: OwnBid) {
    if (!window.confirm(t('myBids.withdrawConfirm'))) return;
    try {
      await api('DELETE', `/api/tenders/${id}/bids/${b.bidId}`);
      setActionError(null);
      setReceipt(null);
      setReplacing(false);
      showToast(t('myBids.withdrawn'));
      bids.reload();
    } catch (x) {
      setActionError(x);
      tender.reload();
    }
  }

  const statusKey = (s: string) => (s === 'withdrawn' ? 'withdrawnStatus' : s === 'replaced' ? 'replaced' : s === 'opened' ? 'opened' : 'active');

  return (
    <section class="tender-page" data-testid="tender-page" data-tender-id={tn.tenderId}>
      <p><a href="#/tenders">← {t('back')}</a></p>
      <h1>{tn.projectNumber ?? ''} {tn.projectName} <StatusBadge status={open ? 'open' : tn.status === 'open' ? 'closed' : tn.status} ns="tenders" /></h1>
      <div class="project-columns">
        <section class="panel">
          <dl class="facts" data-testid="tender-facts">
            <dt>{t('facts.method')}</dt><dd>{tn.method}</dd>
            <dt>{t('facts.budget')}</dt><dd><Money fen={tn.budgetFen} /></dd>
            {tn.maxPriceFen != null ? <><dt>{t('facts.maxPrice')}</dt><dd><Money fen={tn.maxPriceFen} /></dd></> : null}
            <dt>{t('facts.deadline')}</dt>
            <dd data-testid="tender-deadline"><DeadlineText at={tn.bidDeadlineAt} basis={tn.bidDeadlineBasis} /> · <Countdown until={tn.bidDeadlineAt} /></dd>
            {tn.bidDeadlineBasis ? <><dt>{t('facts.basis')}</dt><dd class="small">{tn.bidDeadlineBasis}</dd></> : null}
            {tn.publishedAt ? <><dt>{t('facts.publishedAt')}</dt><dd>{formatDateTime(tn.publishedAt)}</dd></> : null}
            {tn.round ? <><dt>{t('facts.round')}</dt><dd>{tn.round}</dd></> : null}
            {tn.purchaserName ? <><dt>{t('facts.purchaser')}</dt><dd>{tn.purchaserName}</dd></> : null}
            {tn.agencyName ? <><dt>{t('facts.agency')}</dt><dd>{tn.agencyName}</dd></> : null}
            {ev.evaluationMethod ? (
              <>
                <dt>{t('facts.evaluation')}</dt>
                <dd>
                  {t(`evaluation.${ev.evaluationMethod}`, { defaultValue: String(ev.evaluationMethod) })}
                  {ev.evaluationMethod === 'comprehensive' && ev.priceWeightPercent != null ? <span class="muted small"> {t('facts.weights', { price: ev.priceWeightPercent, technical: ev.technicalWeightPercent, business: ev.businessWeightPercent })}</span> : null}
                </dd>
              </>
            ) : null}
            {tn.openingPlace ? <><dt>{t('facts.opening')}</dt><dd>{tn.openingPlace}</dd></> : null}
            {tn.depositFen != null ? <><dt>{t('facts.deposit')}</dt><dd><Money fen={tn.depositFen} /></dd></> : null}
            {tn.minBids != null ? <><dt>{t('facts.minBids')}</dt><dd>{tn.minBids}</dd></> : null}
            {tn.bidCount != null ? <><dt>{t('facts.bidCount')}</dt><dd>{tn.bidCount}</dd></> : null}
            {tn.failureReason ? <><dt>{t('facts.failure')}</dt><dd>{tn.failureReason}</dd></> : null}
          </dl>
        </section>
        <section class="panel" data-testid="tender-notice">
          <h2>{t('sections.notice')}</h2>
          {notice.requirementsSummary ? <p class="pre-wrap">{notice.requirementsSummary}</p> : null}
          <dl class="facts">
            {notice.contractPeriod ? <><dt>{t('notice.contractPeriod')}</dt><dd>{notice.contractPeriod}</dd></> : null}
            {notice.consortiumAccepted !== undefined ? <><dt>{t('notice.consortium')}</dt><dd>{notice.consortiumAccepted ? t('yes') : t('no')}</dd></> : null}
            {notice.smeOnly !== undefined ? <><dt>{t('facts.sme')}</dt><dd>{notice.smeOnly ? t('yes') : t('no')}</dd></> : null}
            {notice.documentsFrom ? <><dt>{t('notice.documents')}</dt><dd>{notice.documentsFrom} — {notice.documentsTo ?? ''} {notice.documentsPlace ?? ''}</dd></> : null}
            {documentsData.bidValidityDays ? <><dt>{t('notice.validity')}</dt><dd>{t('notice.days', { n: documentsData.bidValidityDays })}</dd></> : null}
          </dl>
          {(notice.qualifications ?? documentsData.qualifications)?.length ? (
            <>
              <h3>{t('notice.qualifications')}</h3>
              <ol class="small">{(notice.qualifications ?? documentsData.qualifications)!.map((q, i) => <li key={i}>{q}</li>)}</ol>
            </>
          ) : null}
          {documentsData.policyRequirements ? <p class="small"><strong>{t('notice.policy')}：</strong>{documentsData.policyRequirements}</p> : null}
          {docs.data?.documents.length ? (
            <ul data-testid="tender-documents">
              {docs.data.documents.map((d) => <li key={d.id}><a href={`#/documents/${d.id}`}>{d.title}</a></li>)}
            </ul>
          ) : null}
          <h2>{t('sections.amendments')}</h2>
          {tn.amendments?.length ? (
            <ul data-testid="tender-amendments">
              {tn.amendments.map((a) => (
                <li key={a.amendmentId}>
                  <span class="muted small">{formatDateTime(a.publishedAt)}</span> <strong>{t('amendment.no', { n: a.number })} {a.title}</strong>{' '}
                  {a.substantive ? <span class="badge badge-warn">{t('amendment.substantive')}</span> : null}
                  <ul class="small">
                    {a.changes.map((c, i) => <li key={i}>{c.item}：{c.original} → <strong>{c.revised}</strong></li>)}
                  </ul>
                  {a.moved && a.newDeadlineAt ? <div class="small" title={a.basis ?? undefined}>{t('amendment.deadlineMoved', { at: formatDateTime(a.newDeadlineAt) })}{a.basis ? `（${a.basis}）` : ''}</div> : null}
                </li>
              ))}
            </ul>
          ) : <p class="muted">{t('noAmendments')}</p>}
        </section>
      </div>

      {tn.items?.length && !(supplier && open && (!activeBid || replacing)) ? (
        <section class="panel">
          <h2>{t('sections.items')}</h2>
          <DataTable
            testId="tender-items"
            rows={tn.items}
            rowKey={(it) => it.itemCode + it.itemName}
            columns={[
              { key: 'code', title: t('item.code'), render: (it) => it.itemCode },
              { key: 'name', title: t('item.name'), render: (it) => it.itemName },
              { key: 'q', title: t('item.quantity'), render: (it) => it.quantity, align: 'right' },
              { key: 'u', title: t('item.unit'), render: (it) => it.unit },
            ]}
          />
        </section>
      ) : null}

      {receipt ? <ReceiptView receipt={receipt.receipt} tenderId={tn.tenderId} content={receipt.content} /> : null}

      {supplier ? (
        <section class="panel" data-testid="my-bids">
          <h2>{t('sections.myBids')}</h2>
          <ErrorBox error={actionError ?? bids.error} />
          {myBids.length === 0 ? <p class="muted">{t('myBids.none')}</p> : (
            <table class="data-table">
              <thead><tr><th>{t('receipt.bidId')}</th><th>{t('myBids.at')}</th><th>{t('receipt.sha256')}</th><th>{t('receipt.salt')}</th><th>{t('myBids.status')}</th><th /></tr></thead>
              <tbody>
                {myBids.map((b) => (
                  <tr key={b.bidId} data-testid={`my-bid-${b.bidId}`} data-status={b.status}>
                    <td>{b.bidId}</td>
                    <td>{formatDateTime(b.receipt.submittedAt)}</td>
                    <td><code class="small" title={b.receipt.sha256}>{b.receipt.sha256.slice(0, 16)}…</code></td>
                    <td><code class="small">{b.receipt.salt}</code></td>
                    <td>{t(`myBids.${statusKey(b.status)}`)}{b.withdrawnAt ? <span class="muted small"> {formatDateTime(b.withdrawnAt)}</span> : null}</td>
                    <td>
                      {b === activeBid && open ? (
                        <>
                          <button type="button" onClick={() => (setReceipt(null), setReplacing(true))} data-testid="bid-replace">{t('myBids.replace')}</button>{' '}
                          <button type="button" class="danger" onClick={() => withdraw(b)} data-testid="bid-withdraw">{t('myBids.withdraw')}</button>
                        </>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ) : null}

      {supplier && open && (!activeBid || replacing) ? (
        <BidForm
          key={activeBid?.bidId ?? 'new'}
          tender={tn}
          replacing={!!activeBid}
          onSubmitted={(r, content) => {
            setReceipt({ receipt: r, content });
            setReplacing(false);
            showToast(t('receipt.saved'));
            bids.reload();
            window.scrollTo(0, 0);
          }}
        />
      ) : null}
      {supplier && !open ? <p class="notice" data-testid="bid-closed">{tn.status === 'canceled' ? t('bid.notPublished') : t('bid.closed')}</p> : null}
      {!supplier && open ? <p class="muted">{t('bid.onlySuppliers')}</p> : null}
      {hasRole('agency') && open ? <AmendmentForm tenderId={tn.tenderId} onPublished={tender.reload} /> : null}

      {tn.awardedAt || challengeList.length ? (
        <section class="panel" data-testid="challenges">
          <h2>{t('sections.challenges')}</h2>
          {tn.challengeDeadlineAt ? <p>{t('challenge.deadline', { at: formatDateTime(tn.challengeDeadlineAt) })}</p> : null}
          {challengeList.length ? (
            <ul>
              {challengeList.map((c) => (
                <li key={c.challengeId} data-testid={`challenge-${c.challengeId}`}>
                  <span class="muted small">{formatDateTime(c.receivedAt)}</span> <strong>{c.challengedDocument}</strong> <StatusBadge status={c.status} ns="tenders" />
                  {c.items.map((it, i) => <div key={i} class="small">{it.item}：{it.request}</div>)}
                  {c.challengeReplyDueAt ? <div class="small muted">{t('challenge.replyDue', { at: formatDateTime(c.challengeReplyDueAt) })}</div> : null}
                  {c.reply ? <div class="small">{t('challenge.reply')}：{c.reply}</div> : null}
                </li>
              ))}
            </ul>
          ) : null}
          {supplier ? (
            challengeOpen && myBids.some((b) => b.status === 'opened') ? (
              <>
                <h3>{t('challenge.title')}</h3>
                <ChallengeForm tenderId={tn.tenderId} onFiled={challenges.reload} />
              </>
            ) : (
              <p class="muted" data-testid="challenge-unavailable">{!tn.awardedAt ? t('challenge.notYet') : challengeOpen ? t('challenge.onlyBidders') : t('challenge.closed')}</p>
            )
          ) : null}
        </section>
      ) : null}
    </section>
  );
}
