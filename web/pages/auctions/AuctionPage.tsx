/**
 * One live auction: current price, my standing (leading / outbid), countdown to the (extendable) closing time and the
 * bid button. Server push over SSE: the page fetches a short-lived ticket (EventSource cannot send the bearer token)
 * and re-reads the auction on every event; it also re-reads every 15 s in case the stream drops.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import type { PageProps } from '../../routes.ts';
import { ErrorBox } from '../../ui/ErrorBox.tsx';
import { useAsync } from '../../ui/useAsync.ts';
import { Money } from '../projects/parts.tsx';
import '../projects/projects.css';
import { Countdown } from '../tenders/Countdown.tsx';
import type { AuctionDetail } from './types.ts';

const fmt = (iso: string | null) => (iso ? new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '—');

export function AuctionPage({ params }: PageProps) {
  const t = useT('auctions');
  const id = Number(params.id);
  const a = useAsync(() => api<AuctionDetail>('GET', `/api/auctions/${id}`), [id]);
  const [live, setLive] = useState(false);
  const [amount, setAmount] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let source: EventSource | null = null;
    let stopped = false;
    (async () => {
      try {
        const { url } = await api<{ url: string }>('POST', `/api/auctions/${id}/events-ticket`, { body: {} });
        if (stopped) return;
        source = new EventSource(url);
        source.addEventListener('snapshot', () => setLive(true));
        for (const type of ['bid', 'closed', 'registration', 'announced']) source.addEventListener(type, () => a.reload());
        source.onerror = () => setLive(false);
      } catch {
        setLive(false);
      }
    })();
    const poll = setInterval(() => a.reload(), 15_000);
    return () => {
      stopped = true;
      source?.close();
      clearInterval(poll);
    };
  }, [id]);

  const d = a.data;
  // The countdown runs on the server's clock: the browser's may be off, and the closing time is the server's.
  const [skew, setSkew] = useState(0);
  useEffect(() => {
    if (d) setSkew(Date.parse(d.serverTime) - Date.now());
  }, [d?.serverTime]);
  const until = (iso: string) => new Date(Date.parse(iso) - skew).toISOString();
  const minFen = d ? (d.currentFen === null ? d.startFen : d.currentFen + d.incrementFen) : 0;
  const bid = async () => {
    setBusy(true);
    setError(null);
    try {
      await api('POST', `/api/auctions/${id}/bids`, { body: { amountFen: Math.round(Number(amount) * 100) } });
      setAmount('');
      a.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const register = async () => {
    setError(null);
    try {
      await api('POST', `/api/auctions/${id}/registrations`, { body: {} });
      a.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section class="auction-page" data-testid="auction-page">
      <ErrorBox error={a.error} />
      {d && (
        <>
          <h1>{d.lot.title}</h1>
          <p class="muted">{d.lot.lotNo} · {t(`kind.${d.lot.kind}`)} · {t('round', { n: d.roundNo })} · {d.lot.consignorName} <span data-testid="live" data-live={String(live)}>{live ? t('live') : ''}</span></p>
          <dl class="facts">
            <dt>{d.priceUnit === 'fen_per_year' ? t('currentRent') : t('currentPrice')}</dt>
            <dd data-testid="current-price" data-fen={String(d.currentFen ?? '')}>{d.currentFen === null ? <span class="muted">{t('noBids')}</span> : <Money fen={d.currentFen} />}</dd>
            <dt>{t('start')}</dt><dd><Money fen={d.startFen} /></dd>
            <dt>{t('increment')}</dt><dd><Money fen={d.incrementFen} /></dd>
            <dt>{t('deposit')}</dt><dd><Money fen={d.depositFen} /></dd>
            <dt>{t('appraisal')}</dt><dd><Money fen={d.lot.appraisalFen} /></dd>
            {d.lot.leaseTermYears && (<><dt>{t('term')}</dt><dd>{t('years', { n: d.lot.leaseTermYears })}</dd></>)}
            <dt>{t('bidCount')}</dt><dd data-testid="bid-count">{d.bidCount}</dd>
            <dt>{t('closesAt')}</dt><dd data-testid="closes-at">{fmt(d.closesAt)}{d.extensions > 0 ? ` ${t('extended', { n: d.extensions })}` : ''}</dd>
            <dt>{t('columns.remaining')}</dt><dd>{d.phase === 'bidding' && d.closesAt ? <Countdown until={until(d.closesAt)} /> : t(`phase.${d.phase}`, { defaultValue: d.phase })}</dd>
          </dl>
          {d.myRegistration && (
            <p data-testid="my-standing" data-standing={d.myRegistration.standing}>
              {t('paddle', { no: d.myRegistration.paddleNo })} · {t(`standing.${d.myRegistration.standing}`)} · {t(`registration.${d.myRegistration.status}`, { defaultValue: d.myRegistration.status })}
            </p>
          )}
          {!d.myRegistration && d.phase === 'registration' && <button class="btn" onClick={register} data-testid="register">{t('register')}</button>}
          {d.myRegistration?.status === 'confirmed' && d.phase === 'bidding' && (
            <div class="toolbar">
              <label>{t('amount')} <input type="number" step="0.01" min={minFen / 100} value={amount} placeholder={String(minFen / 100)} onInput={(e) => setAmount(e.currentTarget.value)} data-testid="bid-amount" /></label>
              <button class="btn btn-primary" disabled={busy || !amount} onClick={bid} data-testid="bid-button">{t('bid')}</button>
              <span class="muted">{t('minimum')} <Money fen={minFen} /></span>
            </div>
          )}
          <ErrorBox error={error} />
          <p class="muted">{t('rule')}</p>
          {d.result && (
            <p data-testid="result">{t(`outcome.${d.result.outcome}`)}{d.result.priceFen !== null && <> · <Money fen={d.result.priceFen} /> · {d.result.winnerPaddleNo}{d.result.winnerName ? `（${d.result.winnerName}）` : ''}</>}</p>
          )}
          <h2>{t('bids')}</h2>
          <table class="data-table" data-testid="bid-log">
            <thead><tr><th>{t('seq')}</th><th>{t('paddleNo')}</th><th>{t('amount')}</th><th>{t('time')}</th></tr></thead>
            <tbody>{d.bids.map((b) => <tr key={b.seq}><td>{b.seq}</td><td>{b.paddleNo}</td><td><Money fen={b.amountFen} /></td><td>{fmt(b.at)}</td></tr>)}</tbody>
          </table>
        </>
      )}
    </section>
  );
}
