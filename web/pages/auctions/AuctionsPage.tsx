/** 网络竞价: official-car auctions and shop leases (GET /api/auctions), current price, closing time and countdown. */
import { api } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { navigate } from '../../router.ts';
import { DataTable } from '../../ui/DataTable.tsx';
import { ErrorBox } from '../../ui/ErrorBox.tsx';
import { useAsync } from '../../ui/useAsync.ts';
import { Money } from '../projects/parts.tsx';
import '../projects/projects.css';
import { Countdown } from '../tenders/Countdown.tsx';
import type { AuctionRow } from './types.ts';

export function AuctionsPage() {
  const t = useT('auctions');
  const list = useAsync(() => api<{ auctions: AuctionRow[] }>('GET', '/api/auctions'), []);
  // Countdowns run on the server's clock (serverTime of the answer), not the browser's.
  const first = list.data?.auctions[0];
  const skew = first ? Date.parse(first.serverTime) - Date.now() : 0;
  return (
    <section class="auctions-page" data-testid="auctions-page">
      <h1>{t('title')}</h1>
      <ErrorBox error={list.error} />
      <DataTable
        testId="auctions-table"
        loading={list.loading}
        rows={list.data?.auctions ?? []}
        rowKey={(r) => r.auctionId}
        onRowClick={(r) => navigate(`/auctions/${r.auctionId}`)}
        columns={[
          { key: 'lotNo', title: t('columns.lotNo'), render: (r) => `${r.lot.lotNo} · ${t('round', { n: r.roundNo })}`, width: '200px' },
          { key: 'kind', title: t('columns.kind'), render: (r) => t(`kind.${r.lot.kind}`) },
          { key: 'title', title: t('columns.title'), render: (r) => r.lot.title },
          { key: 'price', title: t('columns.price'), render: (r) => <Money fen={r.currentFen ?? r.startFen} />, align: 'right' },
          { key: 'left', title: t('columns.remaining'), render: (r) => (r.phase === 'bidding' && r.closesAt ? <Countdown until={new Date(Date.parse(r.closesAt) - skew).toISOString()} /> : <span class="muted">—</span>) },
          { key: 'phase', title: t('columns.status'), render: (r) => t(`phase.${r.phase}`, { defaultValue: r.phase }) },
        ]}
      />
    </section>
  );
}
