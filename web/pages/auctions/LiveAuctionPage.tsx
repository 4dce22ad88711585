// SCAFFOLD (lead): the page's owner replaces this file.
import type { PageProps } from '../../routes.ts';
export function LiveAuctionPage(_props: PageProps) {
  return <section class="page"><p>…</p></section>;
}
