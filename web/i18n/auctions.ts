// SCAFFOLD (lead): the area's owner fills this catalogue.
export default {
  'zh-CN': { nav: '资产竞价', detailTitle: '竞价标的', liveTitle: '网上竞价' },
  en: { nav: 'Asset auctions', detailTitle: 'Lot', liveTitle: 'Live auction' },
};
