// SCAFFOLD (lead): the area's owner fills this catalogue.
export default {
  'zh-CN': { nav: 'exchange' },
  en: { nav: 'exchange' },
};
