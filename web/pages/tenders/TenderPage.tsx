/**
 * One tender: the facts (deadline in Beijing time with its legal basis and a countdown), the notice and tender
 * documents, amendments, the items; for suppliers the bid form while the window is open, the receipt after
 * submitting, their own bids with replace/withdraw before the deadline, and challenge filing after the award.
 * Every refusal of the server (window closed, not a bidder, …) is shown as it comes.
 */
import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import type { PageProps } from '../../routes.ts';
import { hasRole } from '../../session.ts';
import { DataTable } from '../../ui/DataTable.tsx';
import { ErrorBox, fieldError } from '../../ui/ErrorBox.tsx';
import { Field } from '../../ui/Field.tsx';
import { formatDateTime, formatYuan } from '../../ui/format.ts';
import { showToast } from '../../ui/toast.tsx';
import { useAsync } from '../../ui/useAsync.ts';
import { DeadlineText, Money, StatusBadge } from '../projects/parts.tsx';
import '../projects/projects.css';
import { BidForm } from './BidForm.tsx';
import { Countdown, useNow } from './Countdown.tsx';
import { isOpen, type Challenge, type OwnBid, type Receipt, type TenderDetail } from './types.ts';

const bidIdOf = (b: OwnBid) => b.bidId ?? b.id ?? 0;

export function ReceiptView({ receipt }: { receipt: Receipt }) {
  const t = useT('tenders');
  return (
    <section class="panel receipt" data-testid="bid-receipt">
      <h2>{t('receipt.title')}</h2>
      <dl class="facts">
        <dt>{t('receipt.bidId')}</dt><dd data-testid="receipt-bid-id">{receipt.bidId}</dd>
        <dt>{t('receipt.sha256')}</dt><dd><code data-testid="receipt-sha256">{receipt.sha256}</code></dd>
        <dt>{t('receipt.submittedAt')}</dt><dd data-testid="receipt-time">{formatDateTime(receipt.submittedAt)}</dd>
        <dt>{t('receipt.salt')}</dt><dd><code data-testid="receipt-salt">{receipt.salt}</code></dd>
      </dl>
      <p class="small">{t('receipt.verify')}</p>
    </section>
  );
}

function ChallengeForm({ tenderId, onFiled }: { tenderId: number; onFiled: () => void }) {
  const t = useT('tenders');
  const [subject, setSubject] = useState('');
  const [content, setContent] = useState('');
  const [evidence, setEvidence] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    try {
      await api('POST', `/api/tenders/${tenderId}/challenges`, { body: { subject: subject.trim(), content: content.trim(), evidence: evidence.trim() || undefined } });
      setError(null);
      setSubject(''), setContent(''), setEvidence('');
      showToast(t('challenge.filed'));
      onFiled();
    } catch (x) {
      setError(x);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={submit} data-testid="challenge-form" noValidate>
      <ErrorBox error={error} />
      <Field label={t('challenge.subject')} name="subject" error={fieldError(error, 'subject')} required>
        <input id="f-subject" value={subject} onInput={(e) => setSubject(e.currentTarget.value)} maxLength={200} />
      </Field>
      <Field label={t('challenge.content')} name="content" error={fieldError(error, 'content')} required>
        <textarea id="f-content" rows={4} value={content} onInput={(e) => setContent(e.currentTarget.value)} />
      </Field>
      <Field label={t('challenge.evidence')} name="evidence" error={fieldError(error, 'evidence')}>
        <textarea id="f-evidence" rows={2} value={evidence} onInput={(e) => setEvidence(e.currentTarget.value)} />
      </Field>
      <button type="submit" class="primary" disabled={busy} data-testid="challenge-submit">{t('challenge.submit')}</button>
    </form>
  );
}

export function TenderPage({ params }: PageProps) {
  const t = useT('tenders');
  const id = encodeURIComponent(params.id);
  const supplier = hasRole('supplier');
  const tender = useAsync(() => api<TenderDetail | { tender: TenderDetail }>('GET', `/api/tenders/${id}`), [id]);
  const bids = useAsync(
    () => (supplier ? api<{ items: OwnBid[] } | OwnBid[]>('GET', `/api/tenders/${id}/bids`) : Promise.resolve([] as OwnBid[])),
    [id, supplier],
  );
  const challenges = useAsync(() => api<{ items: Challenge[] } | Challenge[]>('GET', `/api/tenders/${id}/challenges`).catch(() => [] as Challenge[]), [id]);
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  const [replacing, setReplacing] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const now = useNow(5000);

  if (tender.error) return <ErrorBox error={tender.error} />;
  if (!tender.data) return <p class="muted">{t('common:errors.loading')}</p>;
  const tn: TenderDetail = 'tender' in tender.data ? tender.data.tender : tender.data;
  const open = isOpen(tn, now);
  const myBids = Array.isArray(bids.data) ? bids.data : (bids.data?.items ?? []);
  const activeBid = myBids.find((b) => b.status === 'submitted' || b.status === 'active' || b.status === 'sealed');
  const challengeList = Array.isArray(challenges.data) ? challenges.data : (challenges.data?.items ?? []);
  const challengeOpen = !!tn.awardedAt && !!tn.challengeDeadlineAt && Date.parse(tn.challengeDeadlineAt) > now;

  async function withdraw(b: OwnBid) {
    if (!window.confirm(t('myBids.withdrawConfirm'))) return;
    try {
      await api('DELETE', `/api/tenders/${id}/bids/${bidIdOf(b)}`);
      setActionError(null);
      setReceipt(null);
      showToast(t('myBids.withdrawn'));
      bids.reload();
    } catch (x) {
      setActionError(x);
    }
  }

  return (
    <section class="tender-page" data-testid="tender-page" data-tender-id={tn.id}>
      <p><a href="#/tenders">← {t('back')}</a></p>
      <h1>{tn.projectNumber ?? ''} {tn.projectName} <StatusBadge status={tn.status} ns="tenders" /></h1>
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
            {tn.evaluationMethod ? <><dt>{t('facts.evaluation')}</dt><dd>{t(`evaluation.${tn.evaluationMethod}`, { defaultValue: tn.evaluationMethod })}</dd></> : null}
            {tn.openingPlace ? <><dt>{t('facts.opening')}</dt><dd>{tn.openingPlace}</dd></> : null}
            {tn.depositFen != null ? <><dt>{t('facts.deposit')}</dt><dd><Money fen={tn.depositFen} /></dd></> : null}
            {tn.smeReserved !== undefined ? <><dt>{t('facts.sme')}</dt><dd>{tn.smeReserved ? t('yes') : t('no')}</dd></> : null}
          </dl>
        </section>
        <section class="panel">
          <h2>{t('sections.notice')}</h2>
          {tn.documents?.length ? (
            <ul data-testid="tender-documents">
              {tn.documents.map((d) => <li key={d.id}><a href={`#/documents/${d.id}`}>{d.title}</a></li>)}
            </ul>
          ) : <p class="muted">{t('noDocuments')}</p>}
          <h2>{t('sections.amendments')}</h2>
          {tn.amendments?.length ? (
            <ul data-testid="tender-amendments">
              {tn.amendments.map((a) => (
                <li key={a.id}>
                  <span class="muted small">{formatDateTime(a.publishedAt ?? a.createdAt)}</span> <strong>{a.title ?? ''}</strong>
                  {a.substantive ? <span class="badge badge-warn">{t('amendment.substantive')}</span> : null}
                  {a.content ?? a.text ? <div class="small pre-wrap">{a.content ?? a.text}</div> : null}
                  {a.newBidDeadlineAt ?? a.bidDeadlineAt ? <div class="small">{t('amendment.deadlineMoved', { at: formatDateTime(a.newBidDeadlineAt ?? a.bidDeadlineAt) })}</div> : null}
                </li>
              ))}
            </ul>
          ) : <p class="muted">{t('noDocuments')}</p>}
        </section>
      </div>

      {tn.items?.length && !(supplier && open) ? (
        <section class="panel">
          <h2>{t('sections.items')}</h2>
          <DataTable
            testId="tender-items"
            rows={tn.items}
            rowKey={(it) => it.itemCode}
            columns={[
              { key: 'code', title: t('item.code'), render: (it) => it.itemCode },
              { key: 'name', title: t('item.name'), render: (it) => it.itemName },
              { key: 'q', title: t('item.quantity'), render: (it) => it.quantity, align: 'right' },
              { key: 'u', title: t('item.unit'), render: (it) => it.unit },
            ]}
          />
        </section>
      ) : null}

      {receipt ? <ReceiptView receipt={receipt} /> : null}

      {supplier ? (
        <section class="panel" data-testid="my-bids">
          <h2>{t('sections.myBids')}</h2>
          <ErrorBox error={actionError ?? bids.error} />
          {myBids.length === 0 ? <p class="muted">{t('myBids.none')}</p> : (
            <table class="data-table">
              <thead><tr><th>{t('receipt.bidId')}</th><th>{t('myBids.at')}</th><th>{t('myBids.total')}</th><th>{t('receipt.sha256')}</th><th>{t('myBids.status')}</th><th /></tr></thead>
              <tbody>
                {myBids.map((b) => {
                  const live = b === activeBid;
                  const sha = b.sha256 ?? b.receipt?.sha256;
                  return (
                    <tr key={bidIdOf(b)} data-testid={`my-bid-${bidIdOf(b)}`} data-status={b.status}>
                      <td>{bidIdOf(b)}</td>
                      <td>{formatDateTime(b.submittedAt ?? b.receipt?.submittedAt)}</td>
                      <td class="money">{b.totalPriceFen != null ? formatYuan(b.totalPriceFen) : '—'}</td>
                      <td><code class="small">{sha ? `${sha.slice(0, 16)}…` : '—'}</code></td>
                      <td>{t(`myBids.${b.status === 'withdrawn' ? 'withdrawnStatus' : b.status === 'replaced' ? 'replaced' : 'active'}`)}</td>
                      <td>
                        {live && open ? (
                          <>
                            <button type="button" onClick={() => setReplacing(true)} data-testid="bid-replace">{t('myBids.replace')}</button>{' '}
                            <button type="button" class="danger" onClick={() => withdraw(b)} data-testid="bid-withdraw">{t('myBids.withdraw')}</button>
                          </>
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </section>
      ) : null}

      {supplier && open && (!activeBid || replacing) ? (
        <BidForm
          tender={tn}
          replacing={!!activeBid}
          onSubmitted={(r) => {
            setReceipt(r);
            setReplacing(false);
            showToast(t('receipt.saved'));
            bids.reload();
            window.scrollTo(0, 0);
          }}
        />
      ) : null}
      {supplier && !open ? <p class="notice" data-testid="bid-closed">{Date.parse(tn.bidDeadlineAt) <= now ? t('bid.closed') : t('bid.notPublished')}</p> : null}
      {!supplier ? <p class="muted">{t('bid.onlySuppliers')}</p> : null}

      {tn.awardedAt || challengeList.length ? (
        <section class="panel" data-testid="challenges">
          <h2>{t('sections.challenges')}</h2>
          {tn.challengeDeadlineAt ? <p>{t('challenge.deadline', { at: formatDateTime(tn.challengeDeadlineAt) })}</p> : null}
          {challengeList.length ? (
            <ul>
              {challengeList.map((c) => (
                <li key={c.id}>
                  <span class="muted small">{formatDateTime(c.filedAt ?? c.createdAt)}</span> <strong>{c.subject ?? ''}</strong> <StatusBadge status={c.status} ns="tenders" />
                  {c.content ? <div class="small pre-wrap">{c.content}</div> : null}
                  {c.reply ? <div class="small">{t('challenge.reply')}：{c.reply}</div> : null}
                </li>
              ))}
            </ul>
          ) : null}
          {supplier ? (
            challengeOpen && myBids.length ? (
              <>
                <h3>{t('challenge.title')}</h3>
                <ChallengeForm tenderId={tn.id} onFiled={challenges.reload} />
              </>
            ) : (
              <p class="muted">{!tn.awardedAt ? t('challenge.notYet') : challengeOpen ? t('challenge.onlyBidders') : t('challenge.closed')}</p>
            )
          ) : null}
        </section>
      ) : null}
    </section>
  );
}
