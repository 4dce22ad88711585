// SCAFFOLD (lead): the area's owner fills this catalogue.
export default {
  'zh-CN': { nav: 'audit' },
  en: { nav: 'audit' },
};
