/**
 * The 政府采购品目分类目录 codes the catalogue uses (data in categories.json): A goods / B works / C services, each
 * level adding two digits (A → A02 → A0201 → A020101 → A02010104 …). A code is valid only when it and every
 * ancestor are in the list, so a typo cannot create a category that the statistics by 品目 would not know.
 */
import fs from 'node:fs';

export interface Category {
  code: string;
  name: string;
}

const data = JSON.parse(fs.readFileSync(new URL('./categories.json', import.meta.url), 'utf8')) as { source: string; categories: Category[] };
const byCode = new Map(data.categories.map((c) => [c.code, c]));

export const CATEGORY_CODE = /^[ABC](\d{2}){0,5}$/;
export const CATEGORIES_SOURCE = data.source;

export function allCategories(): Category[] {
  return data.categories;
}

/** The code's ancestors and itself, root first: A, A02, A0201, … */
export function categoryPath(code: string): Category[] {
  const out: Category[] = [];
  for (let len = 1; len <= code.length; len += 2) {
    const c = byCode.get(code.slice(0, len));
    if (c) out.push(c);
  }
  return out;
}

export function categoryName(code: string): string | null {
  return byCode.get(code)?.name ?? null;
}

/** null when the code is a known category, else why not. */
export function categoryProblem(code: string): string | null {
  if (!CATEGORY_CODE.test(code)) return `品目编码格式应为 A/B/C 加偶数位数字，如 A02010104 (category code must be A/B/C followed by pairs of digits)`;
  if (!byCode.has(code)) return `品目编码 ${code} 不在《政府采购品目分类目录》中 (unknown category code)`;
  return null;
}

/** Codes whose own name contains the text (for text search that also finds items by their category's name). */
export function categoriesNamed(text: string): string[] {
  return data.categories.filter((c) => c.name.includes(text)).map((c) => c.code);
}
