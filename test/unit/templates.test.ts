/**
 * The 20 standard templates: every one renders its sample and shows its key fields; invalid data yields the
 * complete list of problems and no output; user text is always escaped; the catalogue is complete and versioned.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadCatalogue, listTemplates, templateIds, findTemplate, TEMPLATES_DIR } from '../../server/documents/catalogue.ts';
import { formatDateCn, formatDateTimeCn } from '../../server/documents/dates.ts';
import { formatYuan } from '../../server/documents/money.ts';
import { renderDocument } from '../../server/documents/render.ts';
import { AppError } from '../../server/errors.ts';

const clone = <T>(v: T): T => structuredClone(v);

function valueAt(data: unknown, dotted: string): unknown {
  let cur: unknown = data;
  for (const part of dotted.replace(/\[(\d+)\]/g, '.$1').split('.')) cur = (cur as Record<string, unknown>)?.[part];
  return cur;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"'`=]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;', '`': '&#x60;', '=': '&#x3D;' })[c]!);

/** How a key field's value must look in the document. */
function shown(path: string, value: unknown): string {
  if (typeof value === 'number' && /Fen$/.test(path)) return formatYuan(value);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDateCn(value);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) return formatDateTimeCn(value);
  return escapeHtml(String(value));
}

function renderErrors(id: string, data: unknown) {
  try {
    renderDocument(id, data);
  } catch (e) {
    expect(e).to.be.instanceOf(AppError);
    expect((e as AppError).status).to.equal(422);
    expect((e as AppError).code).to.equal('DOCUMENT_DATA_INVALID');
    return (e as AppError).details;
  }
  throw new Error('expected the data to be refused');
}

describe('document templates (templates/)', function () {
  it('has the 20 templates of the brief, the 3 of the asset auctions (21–23) and the 3 of works tenders (24–26), numbered 01–26, with titles, steps and legal anchors', function () {
    const list = listTemplates();
    expect(list.map((t) => t.no)).to.deep.equal(Array.from({ length: 26 }, (_, i) => String(i + 1).padStart(2, '0')));
    expect(templateIds()).to.have.length(26);
    expect(templateIds()).to.include.members(['auction-notice', 'auction-confirmation', 'lease-contract']);
    expect(templateIds()).to.include.members(['works-candidate-publicity', 'works-tender-report', 'works-objection-reply']);
    expect(templateIds()).to.include.members(['project-application', 'approval-form', 'tender-notice', 'procurement-contract', 'acceptance-report']);
    for (const t of list) {
      expect(t.id, t.no).to.match(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(t.title, t.id).to.match(/[\u4e00-\u9fa5]/);
      expect(t.titleEn, t.id).to.have.length.above(3);
      expect(t.step, t.id).to.have.length.above(1);
      expect(t.legalBasis, t.id).to.have.length.above(3);
      expect(t.version, t.id).to.match(/^[0-9a-f]{64}$/);
      expect(findTemplate(t.id)!.keyFields.length, t.id).to.be.at.least(6);
    }
    expect(listTemplates().find((t) => t.id === 'approval-form')!.title).to.equal('政府采购项目审批表');
  });

  for (const t of listTemplates()) {
    it(`${t.no} ${t.id} (${t.title}) renders its sample with its key fields and the common header`, function () {
      const tpl = findTemplate(t.id)!;
      const r = renderDocument(t.id, tpl.sample, { version: 3, generatedAt: new Date('2026-04-16T02:00:00Z') });
      expect(r.html).to.match(/^<!DOCTYPE html>/);
      expect(r.html).to.include(`<h1 class="doc-title">${t.title}</h1>`);
      expect(r.html).to.include('第 3 版');
      expect(r.html).to.include('@page { size: A4;');
      for (const key of tpl.keyFields) {
        const value = valueAt(tpl.sample, key);
        expect(value, `${t.id}: sample has no value at ${key}`).to.not.equal(undefined);
        expect(r.html, `${t.id}: ${key}`).to.include(shown(key, value));
      }
      // Common header: every document carries these.
      // Asset-auction documents (21–23) carry the lot header (templates/partials/auction-header.hbs) instead.
      const labels = 'lot' in tpl.sample
        ? ['标的编号', '竞价轮次', '标的名称', '交易类型', '委托方', '组织机构']
        : ['项目编号', '项目名称', '采购人', '采购代理机构', '采购方式', '组织形式', '品目编码', '预算金额', '最高限价'];
      for (const label of labels) {
        expect(r.html, `${t.id}: header ${label}`).to.include(`<th>${label}</th>`);
      }
      expect(r.html).to.match(/人民币[壹贰叁肆伍陆柒捌玖拾佰仟万亿零元角分整]+/);
      expect(r.sha256).to.match(/^[0-9a-f]{64}$/);
      expect(r.html).not.to.match(/\{\{|\}\}|undefined|\[object Object\]|NaN/);
    });
  }

  it('works tenders: with regime "works" the shared documents use the Bidding Law\'s parties, titles and rules; without it nothing changes', function () {
    const works: Record<string, { title: string; has: string[]; not: string[] }> = {
      'tender-notice': { title: '招标公告', has: ['<th>估算价</th>', '<th>招标方式</th>', '招标投标法第二十四条', '投标人资格要求'], not: ['<th>预算金额</th>', '申请人的资格要求', '中小企业采购'] },
      'tender-documents': { title: '招标文件', has: ['第四章　资质与项目管理要求', '招标范围与工程量清单', '招标代理机构（盖章）'], not: ['第四章　政府采购政策', '采购人（盖章）'] },
      'award-notice': { title: '中标结果公示', has: ['公示期满', '评标委员会成员名单'], not: ['令87'] },
      'notice-of-award': { title: '中标通知书', has: ['招标人确定', '第四十六条', '10日内向有关行政监督部门投诉'], not: ['政府采购合同', '7个工作日内'] },
      'cancellation-notice': { title: '招标失败（终止招标）公告', has: ['终止本次招标', '第三十一条'], not: ['废标（终止）：'] },
      'complaint-decision': { title: '投诉书及投诉处理决定书', has: ['异议和异议答复情况', '住房和城乡建设局'], not: ['质疑和质疑答复情况', '涪城区财政局'] },
      'procurement-contract': { title: '建设工程施工合同', has: ['发包人（招标人）', '《中华人民共和国招标投标法》', '行业主管部门'], not: ['《中华人民共和国政府采购法》', '财政部门备案'] },
      'acceptance-report': { title: '工程竣工验收报告', has: ['施工单位（中标人）', '建设单位（招标人）'], not: ['<th>供应商</th>'] },
      'clarification-notice': { title: '更正公告', has: ['招标投标法第二十三条'], not: ['财政部令第87号'] },
      'expert-selection-record': { title: '评审专家抽取记录表', has: ['招标投标法第三十七条'], not: ['财政部令第87号'] },
      'credit-check-record': { title: '投标人信用信息查询记录表', has: ['全国建筑市场监管公共服务平台', '<th>投标人</th>'], not: ['中国政府采购网（www.ccgp.gov.cn）'] },
      'evaluation-report': { title: '评标报告', has: [], not: [] },
      'bid-opening-record': { title: '开标记录表', has: [], not: [] },
    };
    for (const [id, want] of Object.entries(works)) {
      const sample = clone(findTemplate(id)!.sample) as Record<string, unknown>;
      const gp = renderDocument(id, sample).html;
      const w = renderDocument(id, { ...sample, regime: 'works' }).html;
      expect(w, id).to.include(`<h1 class="doc-title">${want.title}</h1>`);
      expect(w, id).to.include('<th>招标人</th>').and.include('<th>估算价</th>').and.not.include('<th>预算金额</th>');
      for (const text of want.has) expect(w, `${id} works: ${text}`).to.include(text);
      for (const text of want.not) expect(w, `${id} works must not say: ${text}`).to.not.include(text);
      // The procurement rendering keeps the GP wording.
      expect(gp, id).to.include('<th>采购人</th>').and.include('<th>预算金额</th>');
      expect(gp, id).to.include(`<h1 class="doc-title">${findTemplate(id)!.title}</h1>`);
    }
  });

  it('uses no triple braces anywhere, so every value is escaped', function () {
    const files = [
      ...fs.readdirSync(TEMPLATES_DIR).filter((f) => f.endsWith('.hbs')).map((f) => path.join(TEMPLATES_DIR, f)),
      ...fs.readdirSync(path.join(TEMPLATES_DIR, 'partials')).map((f) => path.join(TEMPLATES_DIR, 'partials', f)),
    ];
    expect(files.length).to.be.at.least(25);
    for (const f of files) expect(fs.readFileSync(f, 'utf8'), f).not.to.match(/\{\{\{|\{\{&/);
  });

  it('escapes user-supplied text (script tags, attribute breakers, entities)', function () {
    const data = clone(findTemplate('tender-notice')!.sample) as any;
    data.project.projectName = '<script>alert("x")</script>项目';
    data.project.purchaser.name = '"><img src=x onerror=alert(1)>局';
    data.requirementsSummary = 'A & B <b>粗体</b>';
    const { html } = renderDocument('tender-notice', data);
    expect(html).not.to.include('<script>alert');
    expect(html).not.to.include('<img src=x');
    expect(html).not.to.include('<b>粗体</b>');
    expect(html).to.include('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;项目');
    expect(html).to.include('A &amp; B &lt;b&gt;粗体&lt;/b&gt;');
  });

  it('lists every problem of invalid data (path and bilingual reason) and renders nothing', function () {
    const data = clone(findTemplate('tender-notice')!.sample) as any;
    delete data.project.projectName;
    data.project.budgetFen = 12.5;
    data.project.method = '随便买';
    data.project.projectNumber = 'fczc-1';
    data.noticeDate = '2026/03/20';
    data.bidDeadline = 'tomorrow';
    data.items[1].unit = '';
    delete data.qualifications;
    data.extra = 'x';
    const details = renderErrors('tender-notice', data);
    const paths = details.map((d) => d.path);
    expect(paths).to.include.members([
      'project.projectName', 'project.budgetFen', 'project.method', 'project.projectNumber', 'noticeDate', 'bidDeadline',
      'items[1].unit', 'qualifications', 'extra',
    ]);
    const byPath = Object.fromEntries(details.map((d) => [d.path, d.reason]));
    expect(byPath['project.projectName']).to.equal('必填项缺失 (required)');
    expect(byPath['project.budgetFen']).to.match(/^应为整数 \(must be integer\)$/);
    expect(byPath['noticeDate']).to.match(/YYYY-MM-DD/);
    expect(byPath['extra']).to.match(/unknown field/);
    for (const d of details) expect(d.reason, d.path).to.match(/[\u4e00-\u9fa5].*\(.+\)/);
  });

  it('refuses a non-object and an unknown template', function () {
    expect(renderErrors('award-notice', [])[0]).to.deep.equal({ path: '(root)', reason: '应为对象 (must be object)' });
    expect(() => renderDocument('no-such-template', {})).to.throw(AppError).with.property('status', 404);
  });

  it('versions a template by its source, partials and styles', function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpl-'));
    try {
      fs.cpSync(TEMPLATES_DIR, dir, { recursive: true });
      const before = loadCatalogue(dir).templates.get('award-notice')!.version;
      expect(before).to.equal(findTemplate('award-notice')!.version);
      fs.appendFileSync(path.join(dir, 'partials', 'seal.hbs'), '\n');
      const after = loadCatalogue(dir).templates.get('award-notice')!.version;
      expect(after).to.not.equal(before);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails loudly when a template names a field its data lacks (strict mode)', function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpl-'));
    try {
      fs.cpSync(TEMPLATES_DIR, dir, { recursive: true });
      fs.appendFileSync(path.join(dir, '03-approval-form.hbs'), '{{noSuchField}}\n');
      const t = loadCatalogue(dir).templates.get('approval-form')!;
      const meta = { title: 't', documentNo: 'n', version: 1, templateNo: '13', templateId: 'award-notice', templateVersion: 'v', generatedAt: new Date().toISOString() };
      expect(() => t.render(t.sample, { data: { meta } })).to.throw(/noSuchField/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
