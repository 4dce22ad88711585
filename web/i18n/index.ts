/**
 * One i18n catalogue for the web app: zh-CN first, English second. Each area has its own module
 * (`web/i18n/<area>.ts` exporting { 'zh-CN': {...}, en: {...} }) registered below as an i18next namespace:
 * use `useT('<area>')` in a page, `t('common:actions.save')` for shared strings.
 */
import i18next from 'i18next';
import { useEffect, useState } from 'preact/hooks';
import calendar from './calendar.ts';
import common from './common.ts';
import registers from './registers.ts';
import documents from './documents.ts';
import inbox from './inbox.ts';
import modeler from './modeler.ts';
import projects from './projects.ts';
import tenders from './tenders.ts';
import audit from './audit.ts';
import complaints from './complaints.ts';
import auctions from './auctions.ts';
import statistics from './statistics.ts';
import supervision from './supervision.ts';

type Catalogue = { 'zh-CN': Record<string, unknown>; en: Record<string, unknown> };

// One line per area: `import x from './x.ts'` above and `x,` here.
const catalogues: Record<string, Catalogue> = {
  common,
  registers,
  documents,
  inbox,
  calendar,
  modeler,
  projects,
  tenders,
  audit,
  complaints,
  auctions,
  statistics,
  supervision,
};

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const LANG_KEY = 'eproc.lang';

export function storedLanguage(): Language {
  const v = localStorage.getItem(LANG_KEY);
  return v === 'en' ? 'en' : 'zh-CN';
}

export async function initI18n(): Promise<void> {
  const resources: Record<string, Record<string, Record<string, unknown>>> = { 'zh-CN': {}, en: {} };
  for (const [ns, cat] of Object.entries(catalogues)) {
    resources['zh-CN'][ns] = cat['zh-CN'];
    resources.en[ns] = cat.en;
  }
  await i18next.init({
    resources,
    lng: storedLanguage(),
    fallbackLng: 'zh-CN',
    ns: Object.keys(catalogues),
    defaultNS: 'common',
    interpolation: { escapeValue: false }, // Preact escapes text itself.
    returnNull: false,
  });
  document.documentElement.lang = i18next.language;
}

export async function setLanguage(lang: Language): Promise<void> {
  localStorage.setItem(LANG_KEY, lang);
  await i18next.changeLanguage(lang);
  document.documentElement.lang = lang;
}

export function currentLanguage(): Language {
  return i18next.language === 'en' ? 'en' : 'zh-CN';
}

export type TFunction = (key: string, options?: Record<string, unknown>) => string;

/** Translation function for a namespace; re-renders the component when the language changes. */
export function useT(ns = 'common'): TFunction {
  const [, setTick] = useState(0);
  useEffect(() => {
    const on = () => setTick((n) => n + 1);
    i18next.on('languageChanged', on);
    return () => i18next.off('languageChanged', on);
  }, []);
  return (key, options) => i18next.t(key, { ns, ...options }) as string;
}

export const t: TFunction = (key, options) => i18next.t(key, options) as string;
