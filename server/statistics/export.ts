/**
 * The dashboard's figures as files: CSV (UTF-8 with BOM, so Excel opens the Chinese headers) and XLSX (one sheet per
 * breakdown). Amounts are exact: 万元 as text with every decimal the sum has, and integer 分 as numbers (exact in
 * a spreadsheet's doubles up to 9×10^15 分), so the file sums to the dashboard to the 分.
 */
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { Group } from './aggregate.ts';
import type { Section, StatisticsReport } from './report.ts';

const HEADER = {
  spend: ['笔数', '预算金额（万元）', '成交金额（万元）', '节约资金（万元）', '节约率', '预算金额（分）', '成交金额（分）', '节约资金（分）'],
  income: ['笔数', '底价/评估价（万元）', '成交金额（万元）', '增值额（万元）', '增值率', '底价/评估价（分）', '成交金额（分）', '增值额（分）'],
};

const cells = (g: Group) => [g.count, g.budgetWan, g.dealWan, g.differenceWan, g.rate ?? '—', Number(g.budgetFen), Number(g.dealFen), Number(g.differenceFen)];

interface Table {
  title: string;
  dimension: string;
  header: string[];
  rows: Group[];
}

function tables(r: StatisticsReport): Table[] {
  const out: Table[] = [];
  for (const kind of ['spend', 'income'] as const) {
    const types = r.byType.filter((t) => t.kind === kind);
    if (types.length) out.push({ title: kind === 'spend' ? '按交易类型（采购类）' : '按交易类型（出让类）', dimension: '交易类型', header: HEADER[kind], rows: types });
    const s: Section | null = r[kind];
    if (!s) continue;
    const side = kind === 'spend' ? '采购类' : '出让类';
    out.push({ title: `合计（${side}）`, dimension: '合计', header: HEADER[kind], rows: [s.total] });
    out.push({ title: `按方式（${side}）`, dimension: kind === 'spend' ? '采购方式' : '交易方式', header: HEADER[kind], rows: s.byMethod });
    out.push({ title: `按单位（${side}）`, dimension: kind === 'spend' ? '采购人' : '出让单位', header: HEADER[kind], rows: s.byParty });
    out.push({ title: `按月份（${side}）`, dimension: '月份', header: HEADER[kind], rows: s.byMonth });
  }
  return out;
}

export function toCsv(r: StatisticsReport): string {
  const rows: (string | number)[][] = [[`统计期间 ${r.period.from} 至 ${r.period.to}`]];
  for (const t of tables(r)) {
    rows.push([], [t.title], [t.dimension, ...t.header]);
    for (const g of t.rows) rows.push([g.label, ...cells(g)]);
  }
  return '\uFEFF' + stringify(rows);
}

export async function toXlsx(r: StatisticsReport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '涪城区公共资源交易中心';
  for (const t of tables(r)) {
    // Sheet names: ≤ 31 characters, no brackets of some kinds; the titles here are short Chinese.
    const ws = wb.addWorksheet(t.title.replace(/[\\/?*[\]:]/g, ''));
    ws.addRow([`统计期间 ${r.period.from} 至 ${r.period.to}`]);
    ws.addRow([t.dimension, ...t.header]).font = { bold: true };
    for (const g of t.rows) ws.addRow([g.label, ...cells(g)]);
    ws.columns.forEach((c, i) => (c.width = i === 0 ? 28 : 18));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
